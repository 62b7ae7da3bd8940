"""`flask deadlines due|between`, run through the Flask CLI runner (issue 3)."""
from __future__ import annotations

from datetime import date

import pytest

from portal.deadlines import settings
from tests.factories import utc


def invoke(runner, *args: str):
    return runner.invoke(args=["deadlines", *args])


def succeeded(runner, *args: str) -> str:
    result = invoke(runner, *args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_due_prints_the_iso_date_over_the_april_may_holidays(runner):
    # Received Friday 25/4/2025; Sat 26/4 is worked, 30/4, 1/5 and the swapped 2/5 are off.
    assert succeeded(runner, "due", "2025-04-25", "5") == "2025-05-06\n"
    assert succeeded(runner, "due", "2025-04-25", "0") == "2025-04-25\n"


def test_between_prints_the_working_days(runner):
    assert succeeded(runner, "between", "2025-04-25", "2025-05-06") == "5\n"
    assert succeeded(runner, "between", "2025-05-06", "2025-05-06") == "0\n"


@pytest.mark.parametrize("args,message", [
    (("due", "2025-02-30", "5"), "'2025-02-30' is not a date like 2025-04-25"),
    (("due", "25/04/2025", "5"), "'25/04/2025' is not a date like 2025-04-25"),
    (("due", "2025-04-25", "-1"), "-1 is not in the range x>=0"),
    (("due", "2025-04-25", "five"), "'five' is not a valid integer"),
    (("between", "2025-04-25", "soon"), "'soon' is not a date like 2025-04-25"),
    (("between", "yesterday", "2025-05-06"), "'yesterday' is not a date like 2025-04-25"),
])
def test_bad_input_fails_with_a_clear_message(runner, args, message):
    result = invoke(runner, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_admin_override_changes_the_result(runner, db):
    now = utc(2025, 4, 20, 3, 0)
    settings.set_override(date(2025, 5, 5), working=False, note="Nghỉ bù (thêm)", now=now)
    db.session.commit()
    assert succeeded(runner, "due", "2025-04-25", "5") == "2025-05-07\n"
    assert succeeded(runner, "between", "2025-04-25", "2025-05-06") == "4\n"

    # A worked Sunday counts, and removing the override restores the package calendar.
    settings.set_override(date(2025, 5, 4), working=True, note="Làm bù", now=now)
    db.session.commit()
    assert succeeded(runner, "due", "2025-04-25", "5") == "2025-05-06\n"
    assert settings.remove_override(date(2025, 5, 4))
    assert settings.remove_override(date(2025, 5, 5))
    db.session.commit()
    assert succeeded(runner, "due", "2025-04-25", "5") == "2025-05-06\n"
