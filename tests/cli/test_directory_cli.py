"""`flask directory move-open|import|export|generate` through the Flask CLI runner."""
from __future__ import annotations

import os
from datetime import datetime

import pytest
import sqlalchemy as sa
import yaml

from portal import clock
from portal.clock import LOCAL_TZ
from portal.directory import generate, loader, transfer
from portal.extensions import db
from portal.models import Agency, AgencySuccession, EventKind, Procedure, TicketEvent
from tests.factories import agency


def directory(runner, *args: str):
    return runner.invoke(args=["directory", *args])


def _moved_events() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(TicketEvent)
                             .where(TicketEvent.kind == EventKind.moved))


@pytest.fixture
def frozen():
    clock.freeze(datetime(2025, 3, 4, 9, tzinfo=LOCAL_TZ))
    yield
    clock.freeze(None)


def test_move_open_previews_then_applies_once(runner, directory_loaded, make_ticket, frozen):
    report, _ = make_ticket(agency_code="TB-SKHDT", now=datetime(2025, 2, 17, 9, tzinfo=LOCAL_TZ))

    preview = directory(runner, "move-open", "--from", "tb-skhdt")
    assert preview.exit_code == 0, preview.output
    assert f"{report.code}\tassigned\tTB-SKHDT -> TB-STC" in preview.output
    assert "1 open reports would move (preview; add --apply)" in preview.output
    db.session.rollback()
    assert agency("TB-SKHDT").id == db.session.get(type(report), report.id).agency_id
    assert _moved_events() == 0

    applied = directory(runner, "move-open", "--from", "TB-SKHDT", "--apply")
    assert applied.exit_code == 0 and "1 moved, 0 left for --to" in applied.output
    again = directory(runner, "move-open", "--from", "TB-SKHDT", "--apply")
    assert again.exit_code == 0 and "0 moved" in again.output
    db.session.rollback()
    assert _moved_events() == 1


@pytest.mark.parametrize("args,message", [
    (["--from", "TB-NOWHERE"], "unknown agency TB-NOWHERE"),
    (["--from", "TB-SXD"], "TB-SXD vẫn còn hiệu lực"),  # the CLI speaks the default locale
    (["--from", "TB-SKHDT", "--to", "TB-SXD"], "TB-SXD không phải là cơ quan kế nhiệm của TB-SKHDT"),
])
def test_move_open_refuses(runner, directory_loaded, frozen, args, message):
    result = directory(runner, "move-open", *args)
    assert result.exit_code != 0 and message in result.output


@pytest.fixture
def directory_loaded(directory):
    return directory


def _stored() -> dict:
    db.session.rollback()
    return transfer.document()


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_export_import_round_trip(runner, db, tmp_path, fmt):
    loader.load_directory()
    db.session.commit()
    exported = directory(runner, "export", "--format", fmt)
    assert exported.exit_code == 0
    before = _stored()
    for table in ("procedures", "agency_successions", "agencies"):
        db.session.execute(db.metadata.tables[table].delete())
    db.session.commit()

    path = tmp_path / f"directory.{fmt}"
    path.write_text(exported.output, encoding="utf-8")
    result = directory(runner, "import", str(path))
    assert result.exit_code == 0, result.output
    after = _stored()
    assert after["agencies"] == before["agencies"]
    assert [(s["predecessor"], s["successor"], s["date"]) for s in after["successions"]] == [
        (s["predecessor"], s["successor"], s["date"]) for s in before["successions"]]
    if fmt == "yaml":
        assert after == before
    again = directory(runner, "import", str(path))
    assert "directory: 0 created, 0 updated" in again.output


def test_import_reports_every_problem_and_writes_nothing(runner, db, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({
        "agencies": [
            {"code": "XX-SOMEWHERE", "name_vi": "Sở", "name_en": "Dept", "sector": "magic",
             "group": "department", "valid_from": "2025-07-01", "valid_to": "2025-01-01"},
            {"code": "XX-OK", "name_vi": "Sở Tư pháp", "name_en": "Justice", "sector": "justice",
             "group": "department", "valid_from": "not a date"}],
        "successions": [{"predecessor": "XX-OK", "successor": "XX-MISSING", "date": "2025-07-01"}]},
        allow_unicode=True), encoding="utf-8")
    result = directory(runner, "import", str(path))
    assert result.exit_code != 0
    for message in ("nothing imported, 4 problems", "unknown sector 'magic'",
                    "valid_to is before valid_from", "valid_from 'not a date' is not a date",
                    "unknown agency XX-MISSING"):
        assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agency)) == 0


def test_another_province_loads_its_own_directory(runner, db, tmp_path):
    path = tmp_path / "nam_dinh.csv"
    path.write_text(
        "code,name_vi,name_en,sector,group,valid_from,valid_to,successors\n"
        "ND-STC,Sở Tài chính tỉnh Nam Định,Nam Dinh Department of Finance,finance,department,"
        "2023-01-01,2025-06-30,NB-STC@2025-07-01\n"
        "NB-STC,Sở Tài chính tỉnh Ninh Bình,Ninh Binh Department of Finance,finance,department,"
        "2025-07-01,,\n", encoding="utf-8")
    result = directory(runner, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "directory: 3 created, 0 updated" in result.output
    link = db.session.scalar(sa.select(AgencySuccession))
    assert (link.predecessor.code, link.successor.code) == ("ND-STC", "NB-STC")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Procedure)) == 0


def test_the_shipped_commune_files_are_what_the_pinned_packages_generate(tmp_path):
    with open(os.path.join(loader.DATA_DIR, generate.OLD_DIRECTORY), encoding="utf-8") as fh:
        (tmp_path / generate.OLD_DIRECTORY).write_text(fh.read(), encoding="utf-8")
    assert generate.write_generated(str(tmp_path)) == (104, 381)
    for name in (generate.COMMUNES_FILE, generate.ADDRESS_MAP_FILE):
        with open(os.path.join(loader.DATA_DIR, name), encoding="utf-8") as fh:
            assert (tmp_path / name).read_text(encoding="utf-8") == fh.read(), name
    communes = loader.read_file(str(tmp_path / generate.COMMUNES_FILE))
    districts = {s["predecessor"] for s in communes["successions"]}
    assert districts == {f"TB-UBND-{c}" for c in ("TP", "DH", "HH", "KX", "QP", "TT", "TH", "VT")}
