"""The `talent-supermarket` command: serve, migrate, demo, create-user."""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from sqlalchemy import select

from app.audit import install_audit_hook, set_actor
from app.config import Settings
from app.db import make_engine, make_session_factory, migrate
from app.errors import FieldErrors, field_errors_from_pydantic, render_field_errors
from app.models import Organization
from app.models.enums import Role

cli = typer.Typer(help="人才超市 Talent Supermarket", no_args_is_help=True, add_completion=False)


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    install_audit_hook()
    return make_engine(settings.database_url)


@cli.command("migrate")
def migrate_cmd() -> None:
    """Create or upgrade the database schema."""
    settings = Settings()
    migrate(_engine(settings))
    typer.echo("database is up to date")


@cli.command("demo")
def demo_cmd(
    if_empty: Annotated[
        bool, typer.Option(help="Only when the database has no organisations")
    ] = True,
) -> None:
    """Load the deterministic demo city (organisations, users, enterprises, demands, talents)."""
    from app.demo import load_demo

    settings = Settings()
    engine = _engine(settings)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        set_actor(session, None, "demo")
        if if_empty and session.scalar(select(Organization.id).limit(1)) is not None:
            typer.echo("database already has data; demo not loaded")
            return
        counts = load_demo(session, id_key=settings.id_hash_key.get_secret_value())
    typer.echo("demo data loaded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


DEMO_LOGINS = (
    ("office", "office_admin 人才办"),
    ("reviewer", "office_reviewer 人才办"),
    ("chamber", "chamber_staff 总商会"),
    ("youth", "chamber_staff 青商会"),
    ("enterprise", "enterprise_user"),
    ("kejiju", "agency_staff 科技局"),
    ("renshe", "agency_staff 人社局"),
    ("qiaolian", "agency_staff 侨联"),
)


@cli.command("serve")
def serve_cmd(
    host: Annotated[str | None, typer.Option(help="Address to bind (HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (PORT)")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the web service and API."""
    import uvicorn

    settings = Settings()
    host, port = host or settings.host, port or settings.port
    typer.echo(f"人才超市 Talent Supermarket: http://{host}:{port}/  (API docs: /docs)")
    typer.echo(
        "demo logins (password talent-demo): " + ", ".join(f"{u} ({r})" for u, r in DEMO_LOGINS)
    )
    uvicorn.run(
        "app.asgi:app", host=host, port=port, workers=workers, proxy_headers=True, log_level="info"
    )


@cli.command("create-user")
def create_user_cmd(
    username: Annotated[str, typer.Option(help="Login name")],
    role: Annotated[Role, typer.Option(help="Role")],
    organization: Annotated[
        str, typer.Option(help="Organisation kind (e.g. science_bureau) or id")
    ],
    display_name: Annotated[str | None, typer.Option(help="Name shown in pages")] = None,
    enterprise_id: Annotated[int | None, typer.Option(help="For enterprise_user")] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="Password; asked for when omitted (env TS_PASSWORD also works)",
            envvar="TS_PASSWORD",
        ),
    ] = None,
) -> None:
    """Create a user from the command line."""
    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user

    settings = Settings()
    factory = make_session_factory(_engine(settings))
    if password is None:
        password = getpass.getpass("password: ")
    with factory() as session:
        set_actor(session, None, "cli")
        org = session.scalar(
            select(Organization).where(
                Organization.kind == organization
                if not organization.isdigit()
                else Organization.id == int(organization)
            )
        )
        if org is None:
            typer.echo(f"unknown organisation: {organization}", err=True)
            raise typer.Exit(2)
        try:
            data = UserCreate(
                username=username,
                password=password,
                display_name=display_name or username,
                role=role,
                organization_id=org.id,
                enterprise_id=enterprise_id,
            )
            user = create_user(session, data)
            session.commit()
        except ValidationError as exc:
            _print_errors(field_errors_from_pydantic(exc))
            raise typer.Exit(2) from None
        except FieldErrors as exc:
            _print_errors(exc.errors)
            raise typer.Exit(2) from None
    typer.echo(f"created user {user.username} (id {user.id}, {role.value}, {org.name_zh})")


def _print_errors(errors: list[dict[str, Any]]) -> None:
    for e in render_field_errors(errors, "en"):
        typer.echo(f"{e['field']}: {e['message']}", err=True)


def main() -> None:
    cli(prog_name="talent-supermarket")


if __name__ == "__main__":
    main()
