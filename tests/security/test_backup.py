"""`flask portal backup` / `restore`: a round trip of every table and the attachment files."""
from __future__ import annotations

import io
import json
import os
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import clock
from portal.directory import lookup
from portal.extensions import db
from portal.models import Agency, Role, TicketEvent
from portal.tickets import workflow
from portal.tickets.attachments import Upload
from tests.web.support import file_report, pdf_bytes, png_bytes, ticket, track


def _counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


def _wipe() -> None:
    """The db fixture's delete loop."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    db.session.remove()


def _restart_sequences() -> None:
    """PostgreSQL: start every id sequence at 1 again, as in a freshly created database."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            db.session.execute(sa.text(
                "SELECT setval(pg_get_serial_sequence(:t, 'id'), 1, false)"), {"t": table.name})
    db.session.commit()


@pytest.fixture
def world(app, directory, make_ticket, make_user):
    """Reports with attachments, their history (events, outbox mail, holds) and staff."""
    officer = make_user("bk.officer", Role.officer, "TB-SXD")
    make_user("bk.coordinator", Role.coordinator)
    now = clock.now_utc() - timedelta(days=3)
    first, receipt = make_ticket(agency_code="TB-SXD", now=now, contact_name="Đỗ Văn Giang",
                                 contact_email="giang@example.vn",
                                 uploads=[Upload("ban-ve.pdf", pdf_bytes()),
                                          Upload("ảnh chụp.png", png_bytes())])
    workflow.acknowledge(first, actor=officer, now=now + timedelta(hours=1),
                         expected_version=first.version)
    workflow.answer(first, "Đã cấp phép — <b>xem</b> đính kèm.", "Luật Xây dựng",
                    actor=officer, now=now + timedelta(hours=2), expected_version=first.version)
    db.session.commit()
    second, _ = make_ticket(category="harassment", agency_code="TB-SXD", now=now,
                            subject="Đòi “bồi dưỡng”", anonymous=True,
                            uploads=[Upload("ghi-am.pdf", pdf_bytes("ghi am"))])
    folder = Path(app.config["UPLOAD_FOLDER"])
    # Images are kept twice: without metadata (served) and as uploaded (for the inspectorate).
    names = [n for t in (first, second) for a in t.attachments
             for n in (a.stored_name, a.original_stored_name) if n]
    files = {name: (folder / name).read_bytes() for name in names}
    return {"first": first.code, "receipt": receipt, "second": second.code, "files": files}


def _snapshot(codes) -> dict:
    db.session.expire_all()
    out = {}
    for code in codes:
        found = ticket(code)
        out[code] = {
            "ticket": {c: getattr(found, c) for c in ("id", "subject", "contact_name",
                                                      "contact_email", "received_at", "status",
                                                      "category", "answer_due", "version",
                                                      "anonymous", "receipt_hash")},
            "attachments": [(a.id, a.original_name, a.stored_name, a.sha256, a.size,
                             a.created_at) for a in found.attachments],
            "events": [(e.id, e.kind, e.at, e.body, e.legal_basis, e.public, e.actor_id)
                       for e in db.session.scalars(sa.select(TicketEvent).where(
                           TicketEvent.ticket_id == found.id).order_by(TicketEvent.id))],
        }
    return out


def test_round_trip(app, world, runner, tmp_path, new_client):
    codes = (world["first"], world["second"])
    counts, before = _counts(), _snapshot(codes)
    assert counts["tickets"] == 2 and counts["attachments"] == 3 and counts["users"] == 2
    assert counts["ticket_events"] > 2 and counts["agencies"] > 10
    agencies = {a.code: (a.valid_from, a.sector, [s.code for s in lookup.successors(a)])
                for a in db.session.scalars(sa.select(Agency))}
    archive = tmp_path / "portal-backup.tar.gz"

    result = runner.invoke(args=["portal", "backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output and "4 files" in result.output

    _wipe()
    _restart_sequences()
    for name in world["files"]:
        os.remove(os.path.join(app.config["UPLOAD_FOLDER"], name))
    assert sum(_counts().values()) == 0

    result = runner.invoke(args=["portal", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "4 files" in result.output
    assert _counts() == counts
    assert _snapshot(codes) == before
    assert {a.code: (a.valid_from, a.sector, [s.code for s in lookup.successors(a)])
            for a in db.session.scalars(sa.select(Agency))} == agencies
    for name, content in world["files"].items():
        assert (Path(app.config["UPLOAD_FOLDER"]) / name).read_bytes() == content

    # The reporter still gets in with the old receipt, and staff pages work.
    assert track(new_client(), world["first"], world["receipt"]).status_code == 302
    # New rows get fresh ids (PostgreSQL sequences were moved past the restored ids).
    code, _ = file_report(new_client(), files=[(pdf_bytes(), "moi.pdf")])
    assert code not in codes
    assert int(code.rsplit("-", 1)[1]) == max(int(c.rsplit("-", 1)[1]) for c in codes) + 1
    new = ticket(code)
    assert new.id > max(b["ticket"]["id"] for b in before.values())
    assert new.attachments[0].id > max(a[0] for b in before.values() for a in b["attachments"])
    assert _counts()["tickets"] == 3


def test_restore_refuses_a_non_empty_database(world, runner, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["portal", "backup", str(archive)]).exit_code == 0
    counts = _counts()
    result = runner.invoke(args=["portal", "restore", str(archive)])
    assert result.exit_code != 0 and "not empty" in result.output
    assert _counts() == counts
    forced = runner.invoke(args=["portal", "restore", "--force", str(archive)])
    assert forced.exit_code == 0, forced.output
    assert _counts() == counts


def _tamper(source, target, add: tuple[str, bytes] | None = None, manifest=None):
    with tarfile.open(source, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "manifest.json" and manifest:
                data = json.dumps({**json.loads(data), **manifest}).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
        if add:
            info = tarfile.TarInfo(add[0])
            info.size = len(add[1])
            dst.addfile(info, io.BytesIO(add[1]))


@pytest.mark.parametrize("change,message", [
    ({"add": ("uploads/../../escaped", b"x")}, "refusing"),
    ({"manifest": {"revision": "0000000000"}}, "schema"),
    ({"manifest": {"format": 99}}, "format"),
])
def test_restore_refuses_bad_archives(world, runner, tmp_path, change, message):
    archive, bad = tmp_path / "b.tar.gz", tmp_path / "bad.tar.gz"
    assert runner.invoke(args=["portal", "backup", str(archive)]).exit_code == 0
    _tamper(archive, bad, **change)
    _wipe()
    result = runner.invoke(args=["portal", "restore", str(bad)])
    assert result.exit_code != 0 and message in result.output
    assert not (tmp_path.parent / "escaped").exists()
    assert sum(_counts().values()) == 0  # nothing half-restored


def test_restore_of_garbage_is_a_clean_error(runner, tmp_path):
    path = tmp_path / "junk.tar.gz"
    path.write_bytes(b"not an archive")
    result = runner.invoke(args=["portal", "restore", str(path)])
    assert result.exit_code != 0 and "cannot read" in result.output
