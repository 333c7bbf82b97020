"""The `talent-supermarket` command: serve, migrate, demo, create-user, reindex, match, worker."""

from __future__ import annotations

import getpass
import ipaddress
import subprocess
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from sqlalchemy import select

from app.audit.trail import install_audit_hook
from app.config import Settings, has_public_key, load_settings
from app.db import make_engine, make_session_factory, migrate, set_actor
from app.errors import FieldErrors, field_errors_from_pydantic, render_field_errors
from app.models import Organization
from app.models.enums import Role

cli = typer.Typer(help="人才超市 Talent Supermarket", no_args_is_help=True, add_completion=False)


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    from app.searching.indexer import install_outbox_hook

    install_audit_hook()
    install_outbox_hook()
    return make_engine(settings.database_url)


@cli.command("migrate")
def migrate_cmd() -> None:
    """Create or upgrade the database schema."""
    settings = load_settings()
    engine = _engine(settings)
    migrate(engine)
    if settings.job_queue == "procrastinate":
        from app.matchruns.jobs import apply_procrastinate_schema

        if apply_procrastinate_schema(engine, settings, make_session_factory(engine)):
            typer.echo("job queue tables created (procrastinate)")
    typer.echo("database is up to date")


@cli.command("demo")
def demo_cmd(
    if_empty: Annotated[
        bool, typer.Option(help="Only when the database has no organisations")
    ] = True,
) -> None:
    """Load the deterministic demo city (organisations, users, enterprises, demands, talents)."""
    from app.demo import load_demo

    settings = load_settings()
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

    settings = load_settings()
    host, port = host or settings.host, port or settings.port
    if has_public_key(settings) and not is_loopback(host):
        typer.echo(
            f"refusing to serve on {host}: SECRET_KEY or ID_HASH_KEY is the public default "
            "printed in the source, so anyone could sign in as anyone. Set both to secrets of "
            "your own, or unset them to use the keys generated in DATA_DIR "
            f"({settings.data_dir}); or serve on 127.0.0.1 only.",
            err=True,
        )
        raise typer.Exit(2)
    typer.echo(f"人才超市 Talent Supermarket: http://{host}:{port}/  (API docs: /docs)")
    typer.echo(
        "demo logins (password talent-demo): " + ", ".join(f"{u} ({r})" for u, r in DEMO_LOGINS)
    )
    uvicorn.run("app.asgi:app", **server_options(host, port, workers))


def server_options(host: str, port: int, workers: int) -> dict[str, Any]:
    """uvicorn's options for `serve`."""
    return {
        "host": host,
        "port": port,
        "workers": workers,
        # Off: uvicorn's own would believe X-Forwarded-For from any loopback peer (or from
        # FORWARDED_ALLOW_IPS); the app trusts it only from TRUSTED_PROXIES (create_app).
        "proxy_headers": False,
        "log_level": "info",
        # uvicorn kills a worker that misses a 5 s health ping; a worker importing torch and
        # loading the encoder on a busy 2-core machine can miss it and is killed in a loop.
        "timeout_worker_healthcheck": 60,
    }


def is_loopback(host: str) -> bool:
    """Whether binding `host` serves this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


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

    settings = load_settings()
    factory = make_session_factory(_engine(settings))
    if password is None:
        password = getpass.getpass("password: ")
    with factory() as session:
        set_actor(session, None, "cli")
        org = session.scalar(
            select(Organization).where(
                Organization.kind == organization
                if not organization.isdecimal()
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


@cli.command("backup")
def backup_cmd(
    target: Annotated[str, typer.Argument(help="File to write (SQLite copy or pg_dump archive)")],
) -> None:
    """Back up the database (safe while the service runs)."""
    from pathlib import Path

    from app.backup import BackupError, backup

    settings = load_settings()
    try:
        path = backup(settings.database_url, Path(target))
    except (BackupError, OSError, subprocess.CalledProcessError) as exc:
        typer.echo(f"backup failed: {getattr(exc, 'stderr', None) or exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"backup written: {path} ({path.stat().st_size:,} bytes)")


@cli.command("restore")
def restore_cmd(
    source: Annotated[str, typer.Argument(help="A file written by `backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
) -> None:
    """Replace the database's content with a backup (stop the service first), then reindex."""
    from pathlib import Path

    from app.backup import BackupError, restore

    settings = load_settings()
    if not yes and not typer.confirm("replace everything in the database with the backup?"):
        raise typer.Exit(1)
    try:
        restore(settings.database_url, Path(source))
    except (BackupError, OSError, subprocess.CalledProcessError) as exc:
        typer.echo(f"restore failed: {getattr(exc, 'stderr', None) or exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo("database restored; run `talent-supermarket reindex` to rebuild the search index")


@cli.command("reindex")
def reindex_cmd() -> None:
    """Rebuild the search index (talents and demands) from the database."""
    from app.embedding import service_encoder
    from app.searching.indexer import Indexer, make_search_backend

    settings = load_settings()
    factory = make_session_factory(_engine(settings))
    backend = make_search_backend(settings)
    indexer = Indexer(backend, lambda: service_encoder(settings), factory)
    with factory() as session:
        counts = indexer.reindex(session)
        session.commit()
    backend.close()
    typer.echo("search index rebuilt: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@cli.command("match")
def match_cmd(
    min_score: Annotated[float, typer.Option(help="Never propose pairs below this score")] = 0.3,
    k: Annotated[int, typer.Option(help="Candidates kept per demand")] = 50,
) -> None:
    """Run matching now, in this process, over all open demands and active talents."""
    from app.matchruns.engine import execute_run
    from app.models import MatchRun

    settings = load_settings()
    factory = make_session_factory(_engine(settings))
    with factory() as session:
        previous = session.scalar(
            select(MatchRun.id).where(MatchRun.status == "succeeded").order_by(MatchRun.id.desc())
        )
        from app.matchruns.service import current_weights

        run = MatchRun(
            status="queued",
            params={"min_score": min_score, "k": k, "weights": current_weights(session)},
            previous_run_id=previous,
        )
        session.add(run)
        session.commit()
        run_id = run.id
    execute_run(factory, run_id, settings)
    with factory() as session:
        run = session.get_one(MatchRun, run_id)
        typer.echo(f"match run {run.id}: {run.status}")
        for key, value in (run.summary or {}).items():
            if key not in ("dropped_pairs",):
                typer.echo(f"  {key}: {value}")
        if run.status != "succeeded":
            typer.echo(run.error or "", err=True)
            raise typer.Exit(1)


@cli.command("revert-dispatches")
def revert_dispatches_cmd() -> None:
    """Flag overdue dispatches to the office and offer long-unfilled demands to more agencies
    (after DISPATCH_REVERSION_DAYS); run it daily, e.g. from cron."""
    from app.dispatches.service import flag_overdue, revert_dispatches

    settings = load_settings()
    factory = make_session_factory(_engine(settings))
    with factory.begin() as session:
        set_actor(session, None, "revert-dispatches")
        flagged = flag_overdue(session)
        reverted = revert_dispatches(session, days=settings.dispatch_reversion_days)
    typer.echo(f"overdue dispatches flagged: {flagged}; reverted demands: {len(reverted)}")


@cli.command("worker")
def worker_cmd(
    stalled_after: Annotated[
        float, typer.Option(help="Seconds without a heartbeat after which a worker is dead")
    ] = 60.0,
) -> None:
    """Execute queued match runs (JOB_QUEUE=procrastinate, PostgreSQL); runs until stopped.

    Runs left `running` by a worker that died (no heartbeat for --stalled-after seconds) are
    retried and computed again from the start."""
    from app.matchruns.jobs import ProcrastinateRunner

    settings = load_settings()
    if settings.job_queue != "procrastinate":
        typer.echo("JOB_QUEUE is not procrastinate: match runs execute inside `serve`", err=True)
        raise typer.Exit(2)
    factory = make_session_factory(_engine(settings))
    typer.echo("worker: waiting for match runs (Ctrl+C to stop)")
    ProcrastinateRunner(settings, factory).run_worker(stalled_after_s=stalled_after)


def _print_errors(errors: list[dict[str, Any]]) -> None:
    for e in render_field_errors(errors, "en"):
        typer.echo(f"{e['field']}: {e['message']}", err=True)


def main() -> None:
    cli(prog_name="talent-supermarket")


if __name__ == "__main__":
    main()
