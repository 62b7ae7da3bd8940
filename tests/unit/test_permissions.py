"""Who may see, work and identify which report (DESIGN §2, §5.4, §6).

The expectations are written out by hand per role, then checked against can_view, can_act,
identity_visible and the SQL filter the inbox uses, over the same mix of reports.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from portal.accounts import permissions
from portal.models import Ticket

# key: (agency, category, anonymous, identity_consent)
REPORTS = {
    "delay_sxd": ("TB-SXD", "delay", False, False),
    "delay_sxd_anon": ("TB-SXD", "delay", True, False),
    "policy_sxd": ("TB-SXD", "policy", False, False),
    "harass_sxd_consent": ("TB-SXD", "harassment", False, True),
    "harass_sxd_no_consent": ("TB-SXD", "harassment", False, False),
    "harass_sxd_anon": ("TB-SXD", "harassment", True, False),
    "delay_sct": ("TB-SCT", "delay", False, False),
    "harass_sct": ("TB-SCT", "harassment", False, False),
    "delay_unrouted": (None, "delay", False, False),
    "harass_unrouted": (None, "harassment", False, True),
}
ALL = set(REPORTS)
HARASSMENT = {k for k, v in REPORTS.items() if v[1] == "harassment"}
ANONYMOUS = {k for k, v in REPORTS.items() if v[2]}
SXD_OPEN = {"delay_sxd", "delay_sxd_anon", "policy_sxd"}
SXD_ALL = SXD_OPEN | {"harass_sxd_consent", "harass_sxd_no_consent", "harass_sxd_anon"}

# user key: (role, agency) -> (may view, may act, may see the reporter's identity)
EXPECTED = {
    "admin": (("admin", None), ALL, set(),
              ALL - ANONYMOUS - {"harass_sxd_no_consent", "harass_sct"}),
    "coordinator": (("coordinator", None), ALL, set(),
                    ALL - ANONYMOUS - {"harass_sxd_no_consent", "harass_sct"}),
    # The inspector opens a hidden identity only by revealing it with a reason (test_reveal).
    "inspector": (("inspector", None), HARASSMENT, set(), {"harass_sxd_consent", "harass_unrouted"}),
    "clerk": (("clerk", None), set(), set(), set()),
    "analyst": (("analyst", None), set(), set(), set()),
    "officer_sxd": (("officer", "TB-SXD"), SXD_OPEN, SXD_OPEN, SXD_OPEN - ANONYMOUS),
    "head_sxd": (("head", "TB-SXD"), SXD_ALL, SXD_ALL,
                 {"delay_sxd", "policy_sxd", "harass_sxd_consent"}),
    "officer_sct": (("officer", "TB-SCT"), {"delay_sct"}, {"delay_sct"}, {"delay_sct"}),
    "head_sct": (("head", "TB-SCT"), {"delay_sct", "harass_sct"}, {"delay_sct", "harass_sct"},
                 {"delay_sct"}),
    "officer_no_agency": (("officer", None), set(), set(), set()),
    "head_other": (("head", "TB-SKHDT"), set(), set(), set()),
}


@pytest.fixture
def world(app, directory, make_user, make_ticket):
    tickets = {}
    for key, (agency_code, category, anonymous, consent) in REPORTS.items():
        ticket, _ = make_ticket(agency_code=agency_code, category=category, anonymous=anonymous,
                                identity_consent=consent, contact_name="Trần Thị B",
                                contact_email="b@example.vn")
        tickets[key] = ticket
    users = {key: make_user(key.replace("_", "."), role, agency_code)
             for key, ((role, agency_code), *_) in EXPECTED.items()}
    return tickets, users


def test_view_act_and_identity_for_every_role(world):
    tickets, users = world
    wrong = []
    for user_key, (_, view, act, identity) in EXPECTED.items():
        user = users[user_key]
        for name, check, expected in (("can_view", permissions.can_view, view),
                                      ("can_act", permissions.can_act, act),
                                      ("identity_visible", permissions.identity_visible, identity)):
            got = {k for k, t in tickets.items() if check(user, t)}
            if got != expected:
                wrong.append(f"{name}({user_key}): extra {sorted(got - expected)}, "
                             f"missing {sorted(expected - got)}")
    assert not wrong, "\n".join(wrong)


def test_sql_filter_selects_exactly_what_can_view_allows(db, world):
    tickets, users = world
    by_id = {t.id: k for k, t in tickets.items()}
    for user_key, (_, view, _, _) in EXPECTED.items():
        user = users[user_key]
        selected = set(db.session.scalars(
            sa.select(Ticket.id).where(permissions.visible_filter(user))))
        assert {by_id[i] for i in selected} == view, user_key
        assert selected == {t.id for t in tickets.values() if permissions.can_view(user, t)}, \
            user_key


def test_anonymous_reports_keep_no_identity(world):
    tickets, _ = world
    for key in ANONYMOUS:
        t = tickets[key]
        assert (t.contact_name, t.contact_email, t.identity_consent) == (None, None, False)


def test_signed_out_visitors_see_nothing(world):
    tickets, _ = world
    for nobody in (None, AnonymousUserMixin()):
        for ticket in tickets.values():
            assert not permissions.can_view(nobody, ticket)
            assert not permissions.can_act(nobody, ticket)
            assert not permissions.identity_visible(nobody, ticket)
        assert not permissions.can_triage(nobody)
        assert not permissions.can_file_for_caller(nobody)
        assert not permissions.can_use_inbox(nobody)


PAGES = {  # user key: (triage, file for a caller, use the inbox)
    "admin": (True, True, True),
    "coordinator": (True, True, True),
    "clerk": (False, True, False),
    "inspector": (False, False, True),
    "analyst": (False, False, False),
    "officer_sxd": (False, False, True),
    "head_sxd": (False, False, True),
}


def test_page_level_permissions(world):
    _, users = world
    for user_key, expected in PAGES.items():
        user = users[user_key]
        got = (permissions.can_triage(user), permissions.can_file_for_caller(user),
               permissions.can_use_inbox(user))
        assert got == expected, user_key
