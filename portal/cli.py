"""Flask commands: `flask portal seed|create-user|escalate|send-mail|worker`, `flask deadlines`,
`flask routing`; `flask directory` and `flask scores` live in cli_directory.py and cli_scores.py."""
from __future__ import annotations

import json
import sys
from datetime import date

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from portal import clock, jobs
from portal.accounts.demo import load_demo_accounts
from portal.accounts import login, passwords, tokens
from portal.accounts.users import ensure_user, hash_password
from portal.directory import lookup
from portal.deadlines import settings
from portal.deadlines.working_days import add_working_days, local_day, working_days_between
from portal.directory.loader import load_directory
from portal.cli_directory import directory_cli
from portal.cli_scores import scores_cli
from portal.extensions import db
from portal.routing import corpus, evaluation, models_cache, router
from portal.models import Role, User

portal_cli = AppGroup("portal", help="Portal administration.")
deadlines_cli = AppGroup("deadlines", help="The legal clock in Vietnamese working days.")
routing_cli = AppGroup("routing", help="The report router (TextBlob classifier).")


@portal_cli.command("seed")
@click.option("--demo/--no-demo", default=None,
              help="Also create the demo accounts (default: when DEMO_MODE is on).")
def seed(demo: bool | None) -> None:
    """Load the agency and procedure directory (idempotent)."""
    result = load_directory()
    click.echo(f"directory: {result.created} created, {result.updated} updated")
    if demo is None:
        demo = current_app.config["DEMO_MODE"]
    if demo:
        created = load_demo_accounts(now=clock.now_utc())
        click.echo(f"demo accounts: {created} created")
    db.session.commit()


@portal_cli.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--agency", "agency_code", default=None, help="Agency code for officers and heads.")
@click.option("--name", "full_name", default=None)
@click.password_option()
def create_user(username: str, role: str, agency_code: str | None, full_name: str | None,
                password: str) -> None:
    """Create a staff account."""
    agency = lookup.agency_by_code(agency_code) if agency_code else None
    if agency_code and agency is None:
        raise click.ClickException(f"unknown agency {agency_code}")
    if Role(role) in (Role.officer, Role.head) and agency is None:
        raise click.ClickException("officers and heads need --agency")
    if problems := passwords.problems(password, username):
        with force_locale("en"):  # operators' messages, like the rest of the CLI
            raise click.ClickException(" ".join(str(p) for p in problems))
    if db.session.scalar(sa.select(User.id).where(User.username == username.lower())):
        raise click.ClickException(f"user {username.lower()} already exists")
    ensure_user(username.lower(), role=Role(role), full_name=full_name or username,
                password_hash=hash_password(password), now=clock.now_utc(), agency=agency)
    db.session.commit()
    click.echo(f"user {username.lower()} ready")


@portal_cli.command("token")
@click.argument("username")
@click.option("--label", default="script", help="A name to tell the token apart.")
def token(username: str, label: str) -> None:
    """Print a new API token for USERNAME (shown once; scoped to the user's role and agency)."""
    user = db.session.scalar(sa.select(User).where(User.username == username.lower()))
    if user is None or not user.active:
        raise click.ClickException(f"no active user {username.lower()}")
    issued = tokens.issue(user, label=label, now=clock.now_utc(),
                          key=current_app.config["RECEIPT_KEY"])
    db.session.commit()
    click.echo(issued.secret)


@portal_cli.command("reset-sign-in")
@click.argument("username")
@click.option("--second-factor", is_flag=True,
              help="Also remove the authenticator app (the user lost it); the password alone "
                   "then signs in until the user sets up a new one.")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
def reset_sign_in(username: str, second_factor: bool, reason: str) -> None:
    """Lift USERNAME's sign-in lock (and, with --second-factor, their TOTP). Audited."""
    user = db.session.scalar(sa.select(User).where(User.username == username.lower()))
    if user is None:
        raise click.ClickException(f"no user {username.lower()}")
    done = login.reset_sign_in(user, second_factor=second_factor, now=clock.now_utc(),
                               reason=reason)
    db.session.commit()
    click.echo(f"{user.username}: reset {', '.join(done) or 'nothing (not locked)'}")


@portal_cli.command("escalate")
def escalate() -> None:
    """Send due reminders and alerts (idempotent; run it from cron)."""
    fired = jobs.run_escalation(current_app._get_current_object())
    click.echo(f"escalations: {fired}")


@portal_cli.command("send-mail")
def send_mail() -> None:
    """Deliver the mail waiting in the outbox."""
    click.echo(f"sent: {jobs.deliver_outbox(current_app._get_current_object())}")


@portal_cli.command("worker")
@click.option("--interval", type=click.IntRange(min=10), default=jobs.ESCALATION_INTERVAL,
              show_default=True, help="Seconds between escalation runs.")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def run_worker(interval: int, burst: bool) -> None:
    """Run the RQ worker (needs REDIS_URL): mail delivery, and escalation every INTERVAL s."""
    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException("set REDIS_URL to run the worker; without Redis, run "
                                   "`flask portal escalate` and `flask portal send-mail` from cron")
    from portal import worker  # RQ and its Redis client only for this command (worker memory)

    worker.run(app, interval=interval, burst=burst)


@portal_cli.command("retention")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Age in days of closed and rejected reports to anonymise "
                   "(default: RETENTION_DAYS).")
def retention_command(days: int | None) -> None:
    """Clear the contact details of reports closed or rejected long ago (idempotent)."""
    from portal.tickets import retention

    if days is None:
        days = current_app.config["RETENTION_DAYS"]
    count = retention.anonymise_ended_reports(days=days, now=clock.now_utc())
    db.session.commit()
    click.echo(f"anonymised {count} report(s) closed or rejected more than {days} days ago")


@portal_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path: str) -> None:
    """Write the database and the attachment files to PATH (tar.gz)."""
    from portal import backup

    summary = backup.backup(path, upload_folder=current_app.config["UPLOAD_FOLDER"],
                            now=clock.now_utc())
    db.session.rollback()  # read only
    click.echo(f"backup written to {path}: {sum(summary.rows.values())} rows in "
               f"{len(summary.rows)} tables, {summary.files} files")
    if summary.missing_files:
        click.echo(f"warning: {len(summary.missing_files)} attachment files were missing",
                   err=True)


@portal_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the rows of a non-empty database.")
def restore_command(path: str, force: bool) -> None:
    """Load a backup written by `flask portal backup` into this database."""
    from portal import backup

    try:
        summary = backup.restore(path, upload_folder=current_app.config["UPLOAD_FOLDER"],
                                 force=force)
    except backup.BackupError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"restored {sum(summary.rows.values())} rows in {len(summary.rows)} tables, "
               f"{summary.files} files")


@portal_cli.command("demo")
@click.option("--reports", type=click.IntRange(min=1), default=3000, show_default=True,
              help="How many reports to generate.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="The same seed gives the same history.")
@click.option("--bulk", is_flag=True,
              help="Write rows directly (COPY on PostgreSQL), for benchmarks with millions.")
@click.option("--if-empty", is_flag=True,
              help="Do nothing when the database already has reports (for `make run`).")
def demo_command(reports: int, seed: int, bulk: bool, if_empty: bool) -> None:
    """Generate a demo history of reports over the last four half-years."""
    from portal.demo import bulk as demo_bulk, guard, replay as demo_replay

    if (reason := guard.refusal(current_app.config)) is not None:
        raise click.ClickException(f"refusing to write demo data: {reason}")
    existing = guard.report_count()
    if existing and if_empty:
        click.echo(f"demo: the database already has {existing} reports; nothing to do")
        return
    now = clock.now_utc()
    if bulk:
        result = demo_bulk.load(reports=reports, seed=seed, now=now, progress=_bulk_progress)
        db.session.commit()
        click.echo(f"bulk: {result.reports} reports, {result.segments} hold segments, "
                   f"{result.events} events, {result.ratings} ratings, {result.audit} audit "
                   f"entries in {result.seconds:.1f} s "
                   f"({result.reports / result.seconds:,.0f} reports/s, "
                   f"{result.rows / result.seconds:,.0f} rows/s)")
        return
    if existing:
        raise click.ClickException(
            f"the database already has {existing} reports; the realistic mode writes a whole "
            "history from an empty one (use --if-empty to skip, or --bulk to append)")
    result = demo_replay.replay(reports=reports, seed=seed, now=now, config=current_app.config,
                                progress=_replay_progress)
    db.session.commit()
    click.echo(f"demo: {result.reports} reports ({result.steps} actions through the services) "
               f"in {result.seconds:.1f} s ({result.reports / result.seconds:,.0f} reports/s)")


def _bulk_progress(result) -> None:
    click.echo(f"  {result.reports:,} reports, {result.rows:,} rows, {result.seconds:.1f} s",
               err=True)


def _replay_progress(filed: int, total: int) -> None:
    click.echo(f"  {filed:,} of {total:,} reports filed", err=True)


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2025-04-25") from exc


# "-1" must reach WORKING_DAYS (and be refused as out of range), not be taken for an option.
@deadlines_cli.command("due", context_settings={"ignore_unknown_options": True})
@click.argument("received")
@click.argument("working_days", type=click.IntRange(min=0))
def due(received: str, working_days: int) -> None:
    """Print the date WORKING_DAYS working days after the RECEIVED date (day 0)."""
    click.echo(add_working_days(_iso_date(received), working_days,
                                settings.work_calendar()).isoformat())


@deadlines_cli.command("between")
@click.argument("start")
@click.argument("end")
def between(start: str, end: str) -> None:
    """Print the working days after START up to and including END."""
    click.echo(working_days_between(_iso_date(start), _iso_date(end), settings.work_calendar()))


@routing_cli.command("classify")
def classify() -> None:
    """Read a report's text on stdin; print the router's decision as JSON."""
    text = sys.stdin.read()  # click.get_text_stream is deprecated (removed in Click 9)
    if not text.strip():
        raise click.ClickException("no text on stdin")
    decision = router.route(text, "", day=local_day(clock.now_utc()),
                            model=models_cache.current_model(current_app.config),
                            threshold=current_app.config["ROUTING_THRESHOLD"])
    best = decision.suggestions[0]
    click.echo(json.dumps({
        "sector": best.sector,
        "agency": decision.agency.code if decision.agency else None,
        "category": decision.prediction.category.label,
        "confidence": round(best.probability, 4),
        "alternatives": [{"sector": s.sector, "probability": round(s.probability, 4),
                          "agencies": [a.code for a in s.agencies]} for s in decision.suggestions],
    }, ensure_ascii=False))


@routing_cli.command("warm")
def warm() -> None:
    """Load the cached model, training it first if the corpus changed (run before serving)."""
    model = models_cache.current_model(current_app.config)
    click.echo(f"routing model {model.fingerprint} ready")


@routing_cli.command("train")
@click.option("--with-corrections", is_flag=True, help="Add the coordinators' corrections.")
def train(with_corrections: bool) -> None:
    """Retrain the router and make it the active model."""
    _model, count = models_cache.train(current_app.config, with_corrections=with_corrections)
    click.echo(f"trained on {count} examples")


@routing_cli.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def evaluate_command(path: str) -> None:
    """Accuracy on a JSONL file of {"text", "sector", "category"} lines, as JSON."""
    try:
        examples = corpus.read_jsonl(path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    report = evaluation.evaluate(models_cache.current_model(current_app.config), examples)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2))


def register_commands(app: Flask) -> None:
    app.cli.add_command(portal_cli)
    app.cli.add_command(deadlines_cli)
    app.cli.add_command(routing_cli)
    app.cli.add_command(scores_cli)
    app.cli.add_command(directory_cli)
