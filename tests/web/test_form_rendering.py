"""Rendering forms stays cheap (issue 8): hidden inputs (CSRF tokens, versions) are written
directly by PortalForm's meta, the same HTML WTForms writes, and no request searches the disk
for WTForms' catalogues. Behaviour, not timing."""
from __future__ import annotations

from wtforms.widgets import HiddenInput, Input

from portal.web.triage.forms import AssignForm, RejectForm


def _refuse(**kwargs):
    raise AssertionError("a hidden input went through html_params")


def test_hidden_inputs_are_written_as_wtforms_writes_them(app):
    with app.test_request_context("/triage"):
        form = RejectForm(formdata=None, version=7, prefix='t<1>"&')
        for field in (form.csrf_token, form.version):
            assert field() == HiddenInput()(field)
        assert 'value="7"' in str(form.version()) and "&lt;1&gt;&#34;&amp;" in str(form.version())


def test_a_form_renders_its_hidden_tag_without_html_params(app, monkeypatch):
    with app.test_request_context("/triage"):
        form = AssignForm(formdata=None, version=3, prefix="t12")
        monkeypatch.setattr(Input, "html_params", staticmethod(_refuse))
        tag = str(form.hidden_tag())
    assert 'name="t12-version" type="hidden" value="3"' in tag and 'name="t12-csrf_token"' in tag


def test_hidden_inputs_with_attributes_keep_wtforms_rendering(app):
    with app.test_request_context("/triage"):
        form = AssignForm(formdata=None, version=3)
        assert form.version(data_x="1") == HiddenInput()(form.version, data_x="1")
        assert 'data-x="1"' in str(form.version(data_x="1"))


def test_forms_do_not_load_wtforms_catalogues_per_request(client, monkeypatch):
    """WTForms' own catalogue (none for Vietnamese) is not searched for on each request."""
    from babel import support

    def refuse(*args, **kwargs):
        raise AssertionError("a request loaded a catalogue from disk")
    monkeypatch.setattr(support.Translations, "load", refuse)
    response = client.post("/feedback/new", data={"subject": ""})  # errors: messages rendered
    assert response.status_code in (400, 422)
    assert client.get("/feedback/new").status_code == 200
