"""The filing form's directory lists (issue 8): built once per process for each locale, local
day and directory revision, rendered by a select widget that writes what WTForms writes, and
never stale after a change made through another worker. Behaviour, not timing."""
from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy import event
from flask import render_template, template_rendered
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select

from portal import clock
from portal.clock import LOCAL_TZ
from portal.directory import loader
from portal.directory.form_lists import form_lists
from portal.extensions import db
from portal.models import Agency, AgencyGroup, Procedure, Sector
from portal.web.blank_forms import FIELDS_TEMPLATE
from portal.web.intake.forms import IntakeForm
from portal.web.public.forms import SubmissionForm
from portal.web.triage.forms import AssignForm
from portal.web.select_widget import LongSelect
from tests.web.support import error_summary, post_report, text


@contextlib.contextmanager
def statements():
    seen: list[str] = []

    def collect(conn, cursor, statement, *args):
        seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", collect)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", collect)


def _listings(seen: list[str]) -> list[str]:
    return [s for s in seen if "FROM agencies" in s or "FROM procedures" in s]


def _new_agency(code: str, name: str, **kwargs) -> Agency:
    values = dict(code=code, name_vi=name, name_en=name, sector=Sector.other,
                  group=AgencyGroup.department, valid_from=date(2025, 7, 1))
    return Agency(**{**values, **kwargs})


def test_a_second_form_page_reads_only_the_revision(client, directory):
    client.get("/feedback/new")  # this process builds the lists once
    with statements() as seen:
        response = client.get("/feedback/new")
    assert response.status_code == 200 and "Hung Yen Department of Finance" in text(response)
    assert _listings(seen) == []
    assert len([s for s in seen if "FROM directory_changes" in s]) == 1


def test_a_change_made_by_another_worker_shows_on_the_next_form(client, directory):
    assert "Hung Yen Department of Finance" in text(client.get("/feedback/new"))
    with Session(db.engine) as other_worker:  # its own session, as another process has
        finance = other_worker.scalar(sa.select(Agency).where(Agency.code == "HY-STC"))
        finance.name_en = "Hung Yen Department of Finance & Budget"
        other_worker.add(_new_agency("HY-TEST", "Test <Office>"))
        other_worker.commit()
    page = text(client.get("/feedback/new"))
    assert "Hung Yen Department of Finance &amp; Budget" in page
    assert "Test &lt;Office&gt;" in page and "Test <Office>" not in page


def test_bulk_statements_on_the_directory_change_the_revision(client, directory):
    client.get("/feedback/new")
    loader.load_data({"agencies": [{
        "code": "HY-BULK", "name_vi": "Ban Thử nghiệm", "name_en": "Trial Board",
        "sector": "other", "group": "department", "valid_from": "2025-07-01"}]})
    db.session.commit()
    assert "Trial Board" in text(client.get("/feedback/new"))
    db.session.execute(sa.update(Agency).where(Agency.code == "HY-BULK")
                       .values(valid_to=date(2025, 7, 2)))
    db.session.execute(sa.update(Procedure).values(name_en=Procedure.name_en + " (rev.)"))
    db.session.commit()
    page = text(client.get("/feedback/new"))
    assert "Trial Board" not in page and "(rev.)" in page


def test_the_lists_follow_the_local_day(client, directory):
    today = clock.to_local(clock.now_utc()).date()
    db.session.add(_new_agency("HY-LAST", "Last Day Office", valid_to=today))
    db.session.commit()
    assert "Last Day Office" in text(client.get("/feedback/new"))
    tomorrow = datetime.combine(today + timedelta(days=1), time(9), tzinfo=LOCAL_TZ)
    clock.freeze(tomorrow.astimezone(timezone.utc))  # the db fixture unfreezes
    assert "Last Day Office" not in text(client.get("/feedback/new"))


def test_each_locale_has_its_own_lists(client, directory):
    assert "Hung Yen Department of Finance" in text(client.get("/feedback/new?lang=en"))
    page = text(client.get("/feedback/new?lang=vi"))
    assert "Sở Tài chính tỉnh Hưng Yên" in page and "Hung Yen Department of Finance" not in page


def test_the_long_select_renders_what_wtforms_renders(app, directory):
    with app.test_request_context("/feedback/new?lang=en"):
        form = SubmissionForm(meta={"csrf": False})
        form.set_choices(form_lists("en", clock.to_local(clock.now_utc()).date()))
        for field in (form.agency_id, form.procedure_id, form.commune):
            assert isinstance(field.widget, LongSelect)
            described = {"aria-describedby": "x"}
            assert field(**described) == Select()(field, **described)
            field.data = field.choices[5].value  # a selected option, inside an optgroup
            assert 'selected value="' in str(field())
            assert field() == Select()(field)
            assert field.choices.parts() is field.choices.parts()  # rendered once per list


def test_the_long_select_renders_any_choices_as_wtforms_does(app):
    with app.test_request_context("/"):
        form = AssignForm(formdata=None, agency_id=2)
        for choices in ([(0, "Choose"), (1, "A & B"), (2, "<C>")],
                        [SelectChoice(1, "One", optgroup="G"), SelectChoice(2, "Two"),
                         SelectChoice(3, "Three", render_kw={"disabled": True}, optgroup="H")],
                        []):
            form.agency_id.choices = choices
            assert form.agency_id() == Select()(form.agency_id)


@contextlib.contextmanager
def templates_rendered(app):
    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)
    with template_rendered.connected_to(record, app):
        yield names


def test_a_blank_form_renders_its_fields_once_per_process(app, client, staff, directory):
    clerk = staff("clerk")
    for browser, url in ((client, "/feedback/new"), (clerk, "/intake/new")):
        browser.get(url)
        with templates_rendered(app) as names:
            assert browser.get(url).status_code == 200
        assert FIELDS_TEMPLATE not in names, url


def test_the_cached_fields_are_the_fields_the_template_renders(app, client, staff, directory):
    for form_class, browser, url in ((SubmissionForm, client, "/feedback/new?lang=vi"),
                                     (IntakeForm, staff("clerk"), "/intake/new?lang=vi")):
        browser.get(url)
        page = text(browser.get(url))  # from the cache
        with app.test_request_context(url):
            form = form_class(meta={"csrf": False})
            form.set_choices(form_lists("vi", clock.to_local(clock.now_utc()).date()))
            fresh = render_template(FIELDS_TEMPLATE, form=form)
        assert fresh in page and 'name="csrf_token"' in page


def test_a_form_shown_again_is_rendered_with_the_reporters_input(client, directory):
    client.get("/feedback/new")  # the blank fields are cached
    response = post_report(client, subject="", business_name="Công ty Sao Mai")
    page = text(response)
    assert response.status_code == 422 and "Enter a short subject." in error_summary(page)
    assert 'value="Công ty Sao Mai"' in page
    assert 'value="Công ty Sao Mai"' not in text(client.get("/feedback/new"))
