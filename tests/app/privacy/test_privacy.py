"""Erasing a talent's personal data on request, end to end: database, search index,
vector cache, audit log; only anonymised counts remain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import context_of
from app.models import (
    AnonymousOutcome,
    AuditLog,
    ContactReveal,
    DuplicatePair,
    ImportBatch,
    ImportRow,
    Introduction,
    MatchRun,
    Notification,
    Suggestion,
    Talent,
    TalentErasure,
    User,
)
from app.searching.documents import talent_text
from matching import SentenceTransformerEncoder
from search import Query
from tests.app import helpers
from tests.app.helpers import csrf_from, page_login
from tests.factories import World, make_talent, make_world

NAME = "欧阳娜娜"
PHONE = "13900001111"


def bearer(app: Any, user: User) -> dict[str, str]:
    return helpers.bearer(app, user)


class TinyModel:
    """A stand-in for a sentence-transformers model (third-party): vectors from text length."""

    def get_embedding_dimension(self) -> int:
        return 4

    def encode(self, texts: list[str], **_: Any) -> Any:
        return np.array([[len(t), 1.0, 2.0, 3.0] for t in texts], dtype=np.float32)


def cached_keys(directory: Path) -> set[bytes]:
    keys: set[bytes] = set()
    for shard in directory.glob("*.npz"):
        with np.load(shard, allow_pickle=False) as data:
            keys |= {bytes(k) for k in data["keys"].tolist()}
    return keys


def sha(text: str) -> bytes:
    import hashlib

    return hashlib.sha1(text.encode()).hexdigest().encode()


@pytest.fixture
def world(db: Session) -> World:
    w = make_world(db)
    w.talents["erased"] = make_talent(
        db,
        w.orgs[next(k for k in w.orgs if k.value == "science_bureau")],
        name=NAME,
        phone=PHONE,
        email="ouyang@example.com",
        summary="欧阳娜娜的独特简介：量子计算与低温物理",
    )
    return w


def _introduce_and_reveal(app: Any, client: Any, db: Session, w: World) -> Introduction:
    talent = w.talents["erased"]
    run = MatchRun(status="succeeded", progress=100, stage="done", params={}, summary={})
    db.add(run)
    db.flush()
    s = Suggestion(
        match_run_id=run.id,
        demand_id=w.demands["general"].id,
        talent_id=talent.id,
        rank=1,
        score=0.8,
        confidence=0.9,
        components={},
        explanation={},
        is_proposed=True,
    )
    db.add(s)
    db.flush()
    r = client.post(
        f"/api/v1/suggestions/{s.id}/approve", headers=bearer(app, w.users["reviewer"]), json={}
    )
    assert r.status_code == 200, r.text
    intro_id = r.json()["introduction_id"]
    r = client.post(
        f"/api/v1/introductions/{intro_id}/interest",
        headers=bearer(app, w.users["enterprise"]),
        json={"interested": True},
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/introductions/{intro_id}/consent",
        headers=bearer(app, w.users["kejiju"]),
        json={"consent": True, "method": "phone"},
    )
    assert r.status_code == 200, r.text
    r = client.get(
        f"/api/v1/introductions/{intro_id}/contact", headers=bearer(app, w.users["enterprise"])
    )
    assert r.json()["phone"] == PHONE
    return db.get_one(Introduction, intro_id)


def test_erase_removes_the_person_everywhere_and_keeps_anonymised_counts(
    app: Any, client: Any, db: Session, world: World, settings: Any
) -> None:
    w, talent = world, world.talents["erased"]
    tid, other = talent.id, w.talents["renshe"]
    intro = _introduce_and_reveal(app, client, db, w)
    db.add(DuplicatePair(talent_a_id=other.id, talent_b_id=tid, confidence=0.9, reasons=["x"]))
    batch = ImportBatch(kind="talents", organization_id=talent.organization_id, filename="a.xlsx")
    db.add(batch)
    db.flush()
    db.add(ImportRow(import_id=batch.id, row_number=2, data={"name": NAME, "phone": PHONE}))
    db.flush()
    # the person is in the search index and their text's vector is cached on disk
    indexer = context_of(app).indexer
    indexer.drain(db)
    backend = context_of(app).search_backend
    assert any(h.id == str(tid) for h in backend.search("talents", Query(NAME)).hits)
    cache = Path(settings.data_dir) / "vectors"
    encoder = SentenceTransformerEncoder(TinyModel(), "tiny-privacy", cache_dir=cache)
    encoder.encode([talent_text(talent), talent_text(other), "旧版本：欧阳娜娜 物理"])
    assert sha(talent_text(talent)) in cached_keys(cache / "tiny-privacy")

    r = client.post(f"/api/v1/talents/{tid}/erase", headers=bearer(app, w.users["kejiju"]))
    assert r.status_code == 200, r.text
    counts = r.json()["counts"]
    assert counts["introductions"] == 1
    assert counts["contact_reveals"] == 1
    assert counts["suggestions"] == 1
    assert counts["notifications"] >= 2
    assert counts["import_rows"] == 1
    assert counts["vectors"] >= 2  # the current text and the stale version

    db.expire_all()
    assert db.get(Talent, tid) is None
    assert db.scalars(select(Suggestion).where(Suggestion.talent_id == tid)).all() == []
    assert db.scalars(select(Introduction).where(Introduction.talent_id == tid)).all() == []
    assert db.scalars(select(ContactReveal)).all() == []
    assert db.scalars(select(DuplicatePair)).all() == []
    assert db.scalars(select(ImportRow).where(ImportRow.import_id == batch.id)).all() == []
    notes = db.scalars(select(Notification.params)).all()
    assert NAME not in json.dumps(notes, ensure_ascii=False)
    audit = db.scalars(select(AuditLog.changes)).all()
    dumped = json.dumps(audit, ensure_ascii=False)
    assert NAME not in dumped
    assert "量子计算" not in dumped
    # what remains: the erasure (audited without personal values) and anonymised outcomes
    erasure = db.scalars(select(TalentErasure)).one()
    assert erasure.organization_id == talent.organization_id
    erasure_audit = db.scalars(select(AuditLog).where(AuditLog.entity == "talent_erasures")).all()
    assert {a.actor_id for a in erasure_audit} == {w.users["kejiju"].id}
    assert erasure_audit[-1].changes["counts"][1]["introductions"] == 1
    outcome = db.scalars(select(AnonymousOutcome)).one()
    assert (outcome.agency_id, outcome.demand_id, outcome.status) == (
        intro.agency_id,
        w.demands["general"].id,
        "connected",
    )
    # the index forgets the person through the outbox
    indexer.drain(db)
    assert all(h.id != str(tid) for h in backend.search("talents", Query(NAME)).hits)
    # the vector cache forgets their text, old versions included; other talents' stay
    keys = cached_keys(cache / "tiny-privacy")
    assert sha(talent_text(talent)) not in keys
    assert sha("旧版本：欧阳娜娜 物理") not in keys
    assert sha(talent_text(other)) in keys


def test_the_encoder_in_memory_forgets_too(tmp_path: Path) -> None:
    encoder = SentenceTransformerEncoder(TinyModel(), "tiny-mem", cache_dir=tmp_path)
    encoder.encode(["欧阳娜娜 量子", "张伟 Python"])
    assert encoder.forget(["欧阳娜娜 量子"]) == 1
    assert sha("欧阳娜娜 量子") not in cached_keys(tmp_path / "tiny-mem")
    assert sha("张伟 Python") in cached_keys(tmp_path / "tiny-mem")
    assert encoder._cache.get(sha("欧阳娜娜 量子")) is None


def test_only_the_agency_or_an_office_admin_may_erase(
    app: Any, client: Any, db: Session, world: World
) -> None:
    tid = world.talents["erased"].id
    for user, status in (
        ("renshe", 404),  # another agency does not even see the talent
        ("reviewer", 403),
        ("enterprise", 404),
        ("chamber", 404),
    ):
        r = client.post(f"/api/v1/talents/{tid}/erase", headers=bearer(app, world.users[user]))
        assert r.status_code == status, (user, r.text)
        assert r.json()["ok"] is False
    r = client.post(f"/api/v1/talents/{tid}/erase", headers=bearer(app, world.users["admin"]))
    assert r.status_code == 200
    again = client.post(f"/api/v1/talents/{tid}/erase", headers=bearer(app, world.users["admin"]))
    assert again.status_code == 404


def test_erase_button_asks_for_confirmation_in_both_languages(
    client: Any, db: Session, world: World
) -> None:
    tid = world.talents["erased"].id
    page_login(client, world.users["kejiju"])
    detail = BeautifulSoup(client.get(f"/talents/{tid}").text, "html.parser")
    assert detail.find("a", href=f"/talents/{tid}/erase").get_text(strip=True) == "删除个人数据"
    form = client.get(f"/talents/{tid}/erase?lang=en")
    assert "Erase personal data on request" in form.text
    token = csrf_from(form.text)
    missing = client.post(f"/talents/{tid}/erase", data={"csrf_token": token})
    assert missing.status_code == 422
    assert "Tick the confirmation first" in missing.text
    done = client.post(
        f"/talents/{tid}/erase",
        data={"csrf_token": token, "confirm": "yes"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert db.get(Talent, tid) is None
    db.expire_all()
    assert db.get(Talent, tid) is None
