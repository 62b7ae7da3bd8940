"""`flask directory`: move open reports of dissolved agencies, import/export, regenerate."""
from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from portal import clock
from portal.directory import generate, lookup, moves, transfer
from portal.directory.loader import DATA_DIR
from portal.directory.records import DirectoryInvalid
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.models import Agency

directory_cli = AppGroup("directory", help="The agency directory: history, import, export.")


def _agency(code: str) -> Agency:
    agency = lookup.agency_by_code(code)
    if agency is None:
        raise click.ClickException(f"unknown agency {code}")
    return agency


@directory_cli.command("move-open")
@click.option("--from", "source_code", required=True, help="Code of the dissolved agency.")
@click.option("--to", "target_code", default=None,
              help="Code of the successor (needed only when several fit and the locality does not say).")
@click.option("--apply", "do_apply", is_flag=True, help="Move them (default: only show the plan).")
def move_open(source_code: str, target_code: str | None, do_apply: bool) -> None:
    """Show, then with --apply do, the move of a dissolved agency's open reports to its successor."""
    now = clock.now_utc()
    source = _agency(source_code)
    try:
        planned = moves.plan(source, now=now, to=_agency(target_code) if target_code else None)
    except ValidationFailed as exc:
        raise click.ClickException(exc.message) from exc
    for move in planned:
        target = move.to.code if move.to else "? (several successors; use --to)"
        click.echo(f"{move.ticket.code}\t{move.ticket.status.value}\t{source.code} -> {target}")
    if not do_apply:
        click.echo(f"{len(planned)} open reports would move (preview; add --apply)")
        return
    moved = moves.apply(planned, actor=None, now=now)
    db.session.commit()
    click.echo(f"{moved} moved, {len(planned) - moved} left for --to")


@directory_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Load a directory file (YAML like the shipped ones, or the CSV that export writes)."""
    fmt = "csv" if path.lower().endswith(".csv") else "yaml"
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    try:
        result = transfer.import_text(text, fmt, actor=None, source=os.path.basename(path))
    except DirectoryInvalid as exc:
        db.session.rollback()
        raise click.ClickException(f"{path}: nothing imported, {len(exc.problems)} problems:\n  "
                                   + "\n  ".join(exc.problems)) from exc
    db.session.commit()
    click.echo(f"directory: {result.created} created, {result.updated} updated")


@directory_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["yaml", "csv"]), default="yaml")
def export_command(fmt: str) -> None:
    """Write the stored directory to standard output."""
    click.echo(transfer.export_csv() if fmt == "csv" else transfer.export_yaml(), nl=False)


@directory_cli.command("generate")
def generate_command() -> None:
    """Regenerate the commune list and the old-address map from the pinned packages."""
    found, rows = generate.write_generated(DATA_DIR)
    click.echo(f"{found} communes, {rows} address rows written to "
               f"{os.path.relpath(DATA_DIR)}")
