"""`flask portal seed` and `flask portal create-user`, run through the Flask CLI runner."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
import yaml
from flask import current_app
from werkzeug.security import check_password_hash

from portal import clock
from portal.accounts import login
from portal.directory.loader import DATA_DIR, shipped_data
from portal.models import Agency, AgencyGroup, Procedure, Role, Sector, User

PEOPLES_COMMITTEES = [f"TB-UBND-{c}" for c in ("TP", "DH", "HH", "KX", "QP", "TT", "TH", "VT")]
NAMED_CODES = ["TB-SKHDT", "TB-CT", "TB-HQ", "TB-UBND-DH", "TB-TTRA", *PEOPLES_COMMITTEES]
# The bodies Plan 39/KH-UBND names, by sector (DESIGN §1).
PLAN_SECTORS = {
    Sector.ppc_office, Sector.planning_investment, Sector.home_affairs, Sector.natural_resources,
    Sector.industry_trade, Sector.construction, Sector.labour, Sector.information_communications,
    Sector.justice, Sector.agriculture, Sector.economic_zone, Sector.police, Sector.tax,
    Sector.customs, Sector.social_insurance, Sector.bank, Sector.service_center,
    Sector.association, Sector.local_government, Sector.inspectorate,
}
# Procedure code -> (target, unit, agency), from the plan's appendix.
APPENDIX_TARGETS = {
    "BUSINESS-REGISTRATION": (2, "working_days", "TB-SKHDT"),
    "POWER-CONNECTION": (30, "days", "TB-SCT"),
    "CONSTRUCTION-PERMIT": (50, "days", "TB-SXD"),
    "EXPORT-CUSTOMS-CLEARANCE": (70, "hours", "TB-HQ"),
    "IMPORT-CUSTOMS-CLEARANCE": (90, "hours", "TB-HQ"),
}
GOOD_PASSWORD = "a long enough password"


def authenticate(username: str, password: str, *, allow_demo: bool) -> User | None:
    attempt = login.sign_in(username, password, allow_demo=allow_demo, now=clock.now_utc(),
                            config=current_app.config)
    return attempt.user if attempt.outcome == login.Outcome.ok else None


def _data(name: str, key: str) -> list[dict]:
    with open(os.path.join(DATA_DIR, name), encoding="utf-8") as fh:
        return yaml.safe_load(fh)[key]


def invoke(runner, *args: str, input: str | None = None):
    return runner.invoke(args=["portal", *args], input=input)


def seeded(runner, *args: str) -> str:
    result = invoke(runner, "seed", *args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def dump(db) -> dict[str, list[tuple]]:
    """Every row of the directory and account tables, as stored."""
    db.session.rollback()  # read what the command committed, not a cached identity map
    return {table: [tuple(row) for row in db.session.execute(
                sa.select(db.metadata.tables[table]).order_by(sa.text("id")))]
            for table in ("agencies", "procedures", "users")}


def test_seed_loads_every_agency(runner, db):
    output = seeded(runner, "--no-demo")
    shipped = shipped_data()
    records = shipped["agencies"]
    created = sum(len(v) for v in shipped.values())
    assert f"directory: {created} created, 0 updated" in output
    agencies = {a.code: a for a in db.session.scalars(sa.select(Agency))}
    assert set(agencies) == {r["code"] for r in records}
    assert set(NAMED_CODES) <= set(agencies)
    for agency in agencies.values():
        assert agency.name_vi.strip() and agency.name_en.strip(), agency.code
        assert isinstance(agency.sector, Sector) and isinstance(agency.group, AgencyGroup)
        assert agency.valid_from is not None, agency.code
        assert agency.valid_to is None or agency.valid_to >= agency.valid_from, agency.code
    assert PLAN_SECTORS <= {a.sector for a in agencies.values()}
    for code in PEOPLES_COMMITTEES:
        assert (agencies[code].sector, agencies[code].group) == (
            Sector.local_government, AgencyGroup.local)
    assert (agencies["TB-CT"].sector, agencies["TB-CT"].group) == (Sector.tax, AgencyGroup.central)
    assert (agencies["TB-HQ"].sector, agencies["TB-HQ"].group) == (
        Sector.customs, AgencyGroup.central)
    assert agencies["TB-TTRA"].sector == Sector.inspectorate
    assert agencies["TB-SKHDT"].sector == Sector.planning_investment
    assert "Đông Hưng" in agencies["TB-UBND-DH"].name_vi
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_seed_loads_the_procedures_with_the_appendix_targets(runner, db):
    seeded(runner, "--no-demo")
    procedures = {p.code: p for p in db.session.scalars(sa.select(Procedure))}
    assert set(procedures) == {r["code"] for r in _data("procedures_thai_binh_2023.yaml",
                                                        "procedures")}
    for code, (value, unit, agency_code) in APPENDIX_TARGETS.items():
        procedure = procedures[code]
        assert (procedure.target_value, procedure.target_unit, procedure.agency.code) == (
            value, unit, agency_code), code
    for procedure in procedures.values():
        assert procedure.name_vi.strip() and procedure.name_en.strip(), procedure.code
        assert (procedure.target_value is None) == (procedure.target_unit is None), procedure.code
        assert procedure.target_unit in {None, "working_days", "days", "hours"}, procedure.code


def test_seeding_twice_changes_nothing(runner, db):
    seeded(runner, "--demo")
    before = dump(db)
    output = seeded(runner, "--demo")
    assert "directory: 0 created, 0 updated" in output
    assert "demo accounts: 0 created" in output
    assert dump(db) == before
    assert all(before.values())


def test_seeding_restores_edited_directory_rows(runner, db):
    seeded(runner, "--no-demo")
    pristine = dump(db)
    agency = db.session.scalar(sa.select(Agency).where(Agency.code == "TB-SXD"))
    agency.name_en = "Renamed by hand"
    db.session.commit()
    output = seeded(runner, "--no-demo")
    assert "directory: 0 created, 1 updated" in output
    assert dump(db) == pristine


def test_demo_accounts(app, runner, db):
    output = seeded(runner, "--demo")
    codes = list(db.session.scalars(sa.select(Agency.code)))
    expected = {"admin", "coordinator", "clerk", "inspector", "analyst"}
    expected |= {f"{role}.{code.lower()}" for code in codes for role in ("officer", "head")}
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    assert set(users) == expected
    assert f"demo accounts: {len(expected)} created" in output
    assert all(u.is_demo and u.active for u in users.values())
    for role in ("admin", "coordinator", "clerk", "inspector", "analyst"):
        assert users[role].role == Role(role) and users[role].agency is None
    officer, head = users["officer.tb-skhdt"], users["head.tb-skhdt"]
    assert (officer.role, officer.agency.code) == (Role.officer, "TB-SKHDT")
    assert (head.role, head.agency.code) == (Role.head, "TB-SKHDT")
    assert users["head.tb-ubnd-dh"].agency.code == "TB-UBND-DH"
    # Today's directory has its own staff; the 2023 accounts stay for the history.
    assert users["officer.hy-stc"].agency.code == "HY-STC"
    assert users["head.hy-ubnd-13264"].agency.locality == "Xã Thư Vũ"
    # Password "demo", accepted only where demo accounts are allowed.
    assert authenticate("officer.tb-skhdt", "demo", allow_demo=True) == officer
    assert authenticate("officer.tb-skhdt", "demo", allow_demo=False) is None


def test_seed_without_demo_creates_no_accounts(runner, db):
    output = seeded(runner, "--no-demo")
    assert "demo accounts" not in output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_user(runner, db):
    seeded(runner, "--no-demo")
    result = invoke(runner, "create-user", "Minh.Nguyen", "--role", "officer", "--agency",
                    "tb-sxd", "--name", "Nguyễn Văn Minh", "--password", GOOD_PASSWORD)
    assert result.exit_code == 0, result.output
    assert "user minh.nguyen ready" in result.output
    user = db.session.scalar(sa.select(User).where(User.username == "minh.nguyen"))
    assert (user.role, user.agency.code, user.full_name) == (
        Role.officer, "TB-SXD", "Nguyễn Văn Minh")
    assert not user.is_demo and user.active
    assert user.password_hash != GOOD_PASSWORD
    assert check_password_hash(user.password_hash, GOOD_PASSWORD)
    assert authenticate("minh.nguyen", GOOD_PASSWORD, allow_demo=False) == user


def test_create_user_prompts_for_the_password_twice(runner, db):
    result = invoke(runner, "create-user", "lan", "--role", "coordinator",
                    input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert authenticate("lan", GOOD_PASSWORD, allow_demo=False) is not None


@pytest.mark.parametrize("args,message", [
    (["x1", "--role", "officer"], "officers and heads need --agency"),
    (["x2", "--role", "head"], "officers and heads need --agency"),
    (["x3", "--role", "officer", "--agency", "TB-NOWHERE"], "unknown agency TB-NOWHERE"),
    (["x4", "--role", "coordinator", "--password", "short"], "at least 12 characters"),
    (["x5", "--role", "emperor"], "Invalid value for '--role'"),
    (["--role", "admin"], "Missing argument 'USERNAME'"),
    (["x6"], "Missing option '--role'"),
])
def test_create_user_validation_errors(runner, db, args, message):
    seeded(runner, "--no-demo")
    if "--password" not in args:
        args = [*args, "--password", GOOD_PASSWORD]
    result = invoke(runner, "create-user", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_user_refuses_mismatched_passwords(runner, db):
    result = invoke(runner, "create-user", "lan", "--role", "coordinator",
                    input=f"{GOOD_PASSWORD}\nsomething else entirely\n\n")
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_user_refuses_an_existing_username(runner, db):
    first = invoke(runner, "create-user", "lan", "--role", "coordinator",
                   "--password", GOOD_PASSWORD)
    assert first.exit_code == 0, first.output
    again = invoke(runner, "create-user", "LAN", "--role", "admin",
                   "--password", "another long password")
    assert again.exit_code != 0
    assert "already exists" in again.output
    db.session.rollback()
    user = db.session.scalar(sa.select(User).where(User.username == "lan"))
    assert user.role == Role.coordinator
    assert authenticate("lan", GOOD_PASSWORD, allow_demo=False) == user
