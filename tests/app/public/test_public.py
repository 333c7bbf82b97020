"""The public page: open demands without login, search, and interest registration as
a draft talent in 人社局's queue, with consent, rate limit and spam protection."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.context import context_of
from app.models import PublicInterest, Talent
from app.models.enums import OrgKind
from app.public import service
from tests.app.helpers import csrf_from
from tests.factories import World, make_world


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


def _stamp(app: Any, seconds_ago: float = 10) -> str:
    return service.form_stamp(
        context_of(app).settings.secret_key.get_secret_value(), time.time() - seconds_ago
    )


def _post(client: Any, app: Any, demand_id: int, **over: Any) -> Any:
    page = client.get("/public/demands")
    data = {
        "csrf_token": csrf_from(page.text),
        "stamp": _stamp(app),
        "website": "",
        "name": "赵磊",
        "phone": "13900001111",
        "email": "zhaolei@example.com",
        "education": "bachelor",
        "major": "软件工程",
        "summary": "五年 Python 开发经验",
        "consent": "yes",
    }
    data.update(over)
    return client.post(f"/public/demands/{demand_id}/interest", data=data, follow_redirects=False)


def _count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(PublicInterest)) or 0


def test_lists_open_demands_without_login_and_no_contact_data(client: Any, world: World) -> None:
    page = client.get("/public/demands")
    assert page.status_code == 200
    assert "Python后端开发工程师" in page.text
    assert "农业数据分析师" in page.text
    assert "草稿需求" not in page.text  # drafts are not public
    ent = world.enterprises["general"]
    assert ent.name in page.text
    assert ent.district in page.text
    assert ent.contact_phone not in page.text
    assert ent.contact_name not in page.text
    found = client.get("/public/demands?q=农业")
    assert "农业数据分析师" in found.text
    assert "Python后端开发工程师" not in found.text
    assert "Open positions" in client.get("/public/demands?lang=en").text
    assert 'href="/public/demands"' in client.get("/login").text


def test_interest_becomes_a_draft_talent_in_hrss_queue(
    app: Any, client: Any, db: Session, world: World
) -> None:
    demand = world.demands["general"]
    r = _post(client, app, demand.id)
    assert r.status_code == 303, r.text
    interest = db.scalars(select(PublicInterest)).one()
    talent = db.get_one(Talent, interest.talent_id)
    hrss = world.orgs[OrgKind.hrss_bureau]
    assert (interest.demand_id, interest.organization_id, interest.status) == (
        demand.id,
        hrss.id,
        "new",
    )
    assert interest.consent_text == service.CONSENT_TEXTS["zh"]  # the text shown, in Chinese
    assert interest.consent_at is not None
    assert (talent.status, talent.organization_id, talent.name) == ("inactive", hrss.id, "赵磊")
    assert talent.consent_date is not None
    assert talent.consent_scope == "public_interest"
    assert "人社局将与您联系" in client.get("/public/demands").text


def test_public_page_speaks_one_language_checks_phones_and_keeps_the_search_word(
    app: Any, client: Any, db: Session, world: World
) -> None:
    zh = client.get("/public/demands").text
    assert service.CONSENT_TEXTS["zh"] in zh
    assert service.CONSENT_TEXTS["en"] not in zh  # not both languages at once
    assert service.CONSENT_TEXTS["en"] in client.get("/public/demands?lang=en").text
    demand = world.demands["general"]
    seven_digits = _post(client, app, demand.id, phone="1390000")
    assert seven_digits.status_code == 422
    assert _count(db) == 0
    done = _post(client, app, demand.id, phone="+86 139 0000 1111", q="Python")
    assert done.status_code == 303
    assert done.headers["location"] == "/public/demands?q=Python"
    talent = db.get_one(Talent, db.scalars(select(PublicInterest)).one().talent_id)
    assert talent.phone == "13900001111"  # stored in the same normal form as everywhere


@pytest.mark.parametrize(
    ("over", "field", "en"),
    [
        ({"consent": ""}, "consent", "Tick the consent box"),
        ({"name": ""}, "name", "required"),
        ({"phone": "abc"}, "phone", ""),
        ({"email": "not-mail"}, "email", "Invalid e-mail"),
    ],
)
def test_field_errors_in_both_languages(
    app: Any, client: Any, db: Session, world: World, over: dict[str, str], field: str, en: str
) -> None:
    r = _post(client, app, world.demands["general"].id, **over)
    assert r.status_code == 422
    assert f'id="f-{world.demands["general"].id}-{field}"' in r.text or field == "consent"
    assert 'class="error"' in r.text
    client.cookies.set("lang", "en")
    r = _post(client, app, world.demands["general"].id, **over)
    assert r.status_code == 422
    assert en in r.text
    assert _count(db) == 0


def test_spam_protection(app: Any, client: Any, db: Session, world: World) -> None:
    d = world.demands["general"].id
    assert _post(client, app, d, website="http://spam").status_code == 303  # honeypot: dropped
    assert _post(client, app, d, stamp=_stamp(app, seconds_ago=0)).status_code == 422  # too fast
    assert _post(client, app, d, stamp="forged").status_code == 422
    assert _post(client, app, d, csrf_token="forged").status_code == 403
    assert _post(client, app, world.demands["youth_draft"].id).status_code == 404
    assert _count(db) == 0


def test_rate_limited_per_address(app: Any, client: Any, db: Session, world: World) -> None:
    d = world.demands["general"].id
    for _ in range(5):
        assert _post(client, app, d).status_code == 303
    r = _post(client, app, d)
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    assert _count(db) == 5


def test_hrss_staff_check_and_activate_or_decline_sign_ups_in_their_queue(
    app: Any, client: Any, db: Session, world: World
) -> None:
    from tests.app.helpers import page_login

    demand = world.demands["general"]
    assert _post(client, app, demand.id).status_code == 303
    assert _post(client, app, demand.id, name="钱多多", phone="13900002222").status_code == 303
    client.cookies.clear()
    first, second = db.scalars(select(PublicInterest).order_by(PublicInterest.id)).all()

    # Only the intake agency and the office have the queue; other agencies see none of it.
    page_login(client, world.users["kejiju"])
    assert 'href="/public-interests"' not in client.get("/").text
    assert client.get("/public-interests").status_code == 403
    assert (
        client.post(
            f"/public-interests/{first.id}/accept",
            data={"csrf_token": csrf_from(client.get("/").text)},
        ).status_code
        == 403
    )
    client.cookies.clear()

    page_login(client, world.users["renshe"])
    home = client.get("/")
    assert 'href="/public-interests"' in home.text
    assert "公众报名待处理" in home.text
    queue = client.get("/public-interests")
    assert "赵磊" in queue.text
    assert "钱多多" in queue.text
    assert "13900001111" in queue.text  # the intake agency needs the contact to check it
    token = csrf_from(queue.text)
    r = client.post(f"/public-interests/{first.id}/accept", data={"csrf_token": token})
    assert r.status_code == 200
    assert "将参加下一次匹配" in r.text
    r = client.post(f"/public-interests/{second.id}/decline", data={"csrf_token": token})
    assert r.status_code == 200
    assert "已标记为不予受理" in r.text
    db.expire_all()
    assert db.get_one(Talent, first.talent_id).status == "active"
    assert db.get_one(Talent, second.talent_id).status == "inactive"
    assert (first.status, second.status) == ("accepted", "declined")
    # A decision is taken once; an unknown decision and a missing token change nothing.
    again = client.post(f"/public-interests/{first.id}/decline", data={"csrf_token": token})
    assert again.status_code == 409
    assert (
        client.post(
            f"/public-interests/{second.id}/promote", data={"csrf_token": token}
        ).status_code
        == 422
    )
    assert client.post(f"/public-interests/{second.id}/accept", data={}).status_code == 403
    db.expire_all()
    assert (first.status, second.status) == ("accepted", "declined")
    assert "没有待处理的报名" in client.get("/public-interests").text
    assert "赵磊" in client.get("/public-interests?status=accepted").text
    declined = client.get("/public-interests?status=declined").text
    assert f'href="/talents/{second.talent_id}/erase"' in declined  # the way to not keep it
    assert client.get(f"/talents/{second.talent_id}/erase").status_code == 200
    assert "Sign-ups from the public page" in client.get("/public-interests?lang=en").text


def test_reviewers_read_the_queue_but_cannot_decide(
    app: Any, client: Any, db: Session, world: World
) -> None:
    from tests.app.helpers import page_login

    assert _post(client, app, world.demands["general"].id).status_code == 303
    client.cookies.clear()
    interest = db.scalars(select(PublicInterest)).one()
    page_login(client, world.users["reviewer"])
    queue = client.get("/public-interests")
    assert "赵磊" in queue.text
    assert 'action="/public-interests/' not in queue.text  # no buttons for a read-only role
    r = client.post(
        f"/public-interests/{interest.id}/accept", data={"csrf_token": csrf_from(queue.text)}
    )
    assert r.status_code == 403
    db.expire_all()
    assert interest.status == "new"
    assert db.get_one(Talent, interest.talent_id).status == "inactive"
    client.cookies.clear()
    page_login(client, world.users["chamber"])
    assert client.get("/public-interests").status_code == 403
    assert client.get("/public-interests?offset=²").status_code == 403


def test_public_page_hides_expired_demands_shows_terms_and_filters(
    client: Any, db: Session, world: World
) -> None:
    import datetime as dt

    general, youth = world.demands["general"], world.demands["youth"]
    general.salary_min, general.salary_max = 15000, 25000
    general.deadline = dt.date.today() + dt.timedelta(days=30)
    youth.deadline = dt.date.today() - dt.timedelta(days=3)  # past its deadline
    db.flush()
    page = client.get("/public/demands").text
    assert general.title in page
    assert "15000–25000" in page
    assert general.deadline.isoformat() in page
    assert youth.title not in page  # an expired demand is no longer advertised
    industry = world.enterprises["general"].industry
    other = next(x for x in "ABCDEFGHIJKLMNOPQRST" if x != industry)
    assert general.title in client.get(f"/public/demands?industry={industry}").text
    assert general.title not in client.get(f"/public/demands?industry={other}").text
    other_kind = "project" if general.kind != "project" else "job"
    assert general.title not in client.get(f"/public/demands?kind={other_kind}").text
    assert general.title in client.get(f"/public/demands?kind={general.kind}").text
