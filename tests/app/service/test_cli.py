"""The `talent-supermarket` command, run as a user would, on its own SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.models import Organization, User
from app.models.enums import ORG_KIND_SIDE
from app.security import verify_password
from tests.factories import ORG_NAMES

CLI = str(Path(sys.executable).with_name("talent-supermarket"))


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(tmp_path)}
    run(env, "migrate")
    engine = create_engine(url)
    with Session(engine) as s:
        s.add_all(
            Organization(name_zh=zh, name_en=en, kind=k.value, side=ORG_KIND_SIDE[k].value)
            for k, (zh, en) in ORG_NAMES.items()
        )
        s.commit()
    engine.dispose()
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )


def test_create_user_from_the_command_line(env: dict[str, str]) -> None:
    result = run(
        env,
        "create-user",
        "--username",
        "li.ke",
        "--role",
        "agency_staff",
        "--organization",
        "science_bureau",
        "--display-name",
        "李科员",
        "--password",
        "a-long-password",
    )
    assert result.returncode == 0, result.stderr
    assert "created user li.ke" in result.stdout
    engine = create_engine(env["DATABASE_URL"])
    with Session(engine) as s:
        user = s.scalar(select(User).where(User.username == "li.ke"))
        assert user is not None
        assert user.role == "agency_staff"
        assert user.organization.kind == "science_bureau"
        assert verify_password(user.password_hash, "a-long-password")
    engine.dispose()


def test_create_user_refuses_a_role_from_the_wrong_side(env: dict[str, str]) -> None:
    result = run(
        env,
        "create-user",
        "--username",
        "wrong",
        "--role",
        "chamber_staff",
        "--organization",
        "science_bureau",
        "--password",
        "a-long-password",
    )
    assert result.returncode == 2
    assert "role: The role does not fit the organisation" in result.stderr


def test_create_user_refuses_a_short_password(env: dict[str, str]) -> None:
    result = run(
        env,
        "create-user",
        "--username",
        "short",
        "--role",
        "office_admin",
        "--organization",
        "talent_office",
        "--password",
        "abc",
    )
    assert result.returncode == 2
    assert "password: At least 8 characters" in result.stderr
