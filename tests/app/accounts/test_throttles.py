"""Throttles: logins and public sign-ups counted atomically (parallel requests on a live
service), per login name and address under a per-address ceiling, and X-Forwarded-For
believed only from configured proxies."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.cli import server_options
from app.config import Settings
from app.db import get_session
from app.main import create_app
from app.models import PublicInterest
from app.public import service as public_service
from tests.app.helpers import csrf_from
from tests.factories import PASSWORD, World, make_world


def _parallel(n: int, call: Any) -> Counter[int]:
    barrier = threading.Barrier(n)

    def one(i: int) -> int:
        barrier.wait()
        return int(call(i))

    with ThreadPoolExecutor(n) as pool:
        return Counter(pool.map(one, range(n)))


def _login(client: TestClient, username: str, password: str = "wrong", **headers: str) -> int:
    r = client.post(
        "/api/v1/auth/token", data={"username": username, "password": password}, headers=headers
    )
    return int(r.status_code)


def test_forty_parallel_logins_get_no_more_guesses_than_allowed(live: Any) -> None:
    with live.session() as s:
        world = make_world(s)
        s.commit()
    username = world.users["kejiju"].username
    allowed = live.settings.login_max_attempts
    statuses = _parallel(40, lambda i: _login(live.client, username))
    assert statuses == Counter({401: allowed, 429: 40 - allowed})
    assert _login(live.client, username, PASSWORD) == 429  # the right password waits too


def test_twenty_parallel_public_signups_stop_at_the_hourly_limit(live: Any) -> None:
    with live.session() as s:
        world = make_world(s)
        s.commit()
        before = s.scalar(select(func.count()).select_from(PublicInterest)) or 0
    demand_id = world.demands["general"].id
    token = csrf_from(live.client.get("/public/demands").text)
    stamp = public_service.form_stamp(live.settings.secret_key.get_secret_value(), time.time() - 10)

    def sign_up(i: int) -> int:
        data = {
            "csrf_token": token,
            "stamp": stamp,
            "website": "",
            "name": f"赵磊{i}",
            "phone": f"139000011{i:02d}",
            "email": f"zhaolei{i}@example.com",
            "education": "bachelor",
            "major": "软件工程",
            "summary": "五年 Python 开发经验",
            "consent": "yes",
        }
        url = f"/public/demands/{demand_id}/interest"
        return int(live.client.post(url, data=data, follow_redirects=False).status_code)

    statuses = _parallel(20, sign_up)
    assert statuses == Counter({303: 5, 429: 15})
    with live.session() as s:
        assert (s.scalar(select(func.count()).select_from(PublicInterest)) or 0) == before + 5


@pytest.fixture
def world(db: Session) -> World:
    world = make_world(db)
    db.commit()
    return world


def test_failures_for_random_names_do_not_lock_out_the_addresss_other_users(
    client: TestClient, world: World
) -> None:
    statuses = Counter(_login(client, f"nobody-{uuid.uuid4().hex[:8]}") for _ in range(15))
    assert statuses == Counter({401: 15})
    assert _login(client, world.users["renshe"].username, PASSWORD) == 200


def _client(settings: Settings, engine: Engine, db: Session, **changes: Any) -> Any:
    app = create_app(settings.model_copy(update=changes), engine=engine, background=False)
    app.dependency_overrides[get_session] = lambda: db
    return app


def test_one_address_stops_at_its_ceiling(
    settings: Settings, engine: Engine, db: Session, world: World
) -> None:
    app = _client(settings, engine, db, login_address_max_attempts=20)
    with TestClient(app, raise_server_exceptions=False) as client:
        statuses = [_login(client, f"nobody-{i}") for i in range(21)]
        assert statuses == [401] * 20 + [429]
        assert _login(client, world.users["renshe"].username, PASSWORD) == 429
        other = TestClient(app, raise_server_exceptions=False, client=("198.51.100.7", 4000))
        assert _login(other, world.users["renshe"].username, PASSWORD) == 200


def test_forwarded_for_counts_only_from_trusted_proxies(
    settings: Settings, engine: Engine, db: Session, world: World
) -> None:
    username = world.users["kejiju"].username
    # As `serve` runs it (uvicorn's options from there), the peer on loopback: guesses for new
    # names, each claiming another address, still count against the one real address.
    app = _client(settings, engine, db, login_address_max_attempts=10)
    served = uvicorn.Config(app, **server_options("127.0.0.1", 8000, 1))
    served.load()
    local = TestClient(served.loaded_app, raise_server_exceptions=False, client=("127.0.0.1", 1))
    statuses = [
        _login(local, f"nobody-{i}", **{"X-Forwarded-For": f"203.0.113.{i}"}) for i in range(11)
    ]
    assert statuses == [401] * 10 + [429]

    proxied = _client(settings, engine, db, trusted_proxies=["10.0.0.2"])
    proxy = TestClient(proxied, raise_server_exceptions=False, client=("10.0.0.2", 1))
    stranger = TestClient(proxied, raise_server_exceptions=False, client=("192.0.2.9", 1))
    statuses = [
        _login(proxy, username, **{"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(11)
    ]
    assert statuses == [401] * 11  # eleven people behind the proxy, one failure each
    statuses = [
        _login(stranger, username, **{"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(11)
    ]
    assert statuses == [401] * 10 + [429]
