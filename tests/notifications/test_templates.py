"""The e-mail templates: one context, a text and an HTML rendering, in the message's language."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from portal.models import OutboxMessage
from portal.notifications.outbox import REPORTER_TEMPLATES
from portal.notifications.render import SUBJECTS, renderer

EMAIL_DIR = Path(__file__).resolve().parents[2] / "templates" / "email"
STAFF_TEMPLATES = ("escalation_officer", "escalation_head", "escalation_coordinator",
                   "escalation_triage")
SUBJECT = "Giấy phép & <b>chậm</b> \"quá hạn\""
CONTEXT = {"code": "PA-2026-000123", "subject": SUBJECT, "name": "Phạm Thị Dung",
           "answer_due": "2026-04-06T16:59:59+00:00", "days": 5,
           "apology": "Chúng tôi xin lỗi & mong ông/bà thông cảm.",
           "reason": "Cần ý kiến của Sở Tài chính <về giá đất>."}


def render(app, template, language="en", **context):
    message = OutboxMessage(recipient="someone@example.vn", template=template,
                            language=language, context={**CONTEXT, **context})
    return renderer(app)(message)


def test_every_template_has_a_text_and_an_html_file():
    assert set(SUBJECTS) == set(REPORTER_TEMPLATES) | set(STAFF_TEMPLATES)
    for name in SUBJECTS:
        assert (EMAIL_DIR / f"{name}.txt").is_file(), name
        assert (EMAIL_DIR / f"{name}.html").is_file(), name


@pytest.mark.parametrize("template", sorted(SUBJECTS))
def test_text_is_not_escaped_and_html_is(app, template):
    mail = render(app, template)
    assert f"“{SUBJECT}”" in mail.text
    assert "&amp;" not in mail.text and "&lt;" not in mail.text
    assert "Giấy phép &amp; &lt;b&gt;chậm&lt;/b&gt; &#34;quá hạn&#34;" in mail.html
    assert "<b>" not in mail.html
    assert mail.html.startswith("<!doctype html>") and '<html lang="en">' in mail.html
    # No external resources and no inline styles: one link, to the portal.
    assert re.findall(r'(?:href|src)="([^"]+)"', mail.html) == [
        re.search(r"(http://\S+)", mail.text).group(1)]
    assert "style" not in mail.html


@pytest.mark.parametrize("template", sorted(REPORTER_TEMPLATES))
def test_reporter_mails_link_to_the_tracking_page_and_mention_the_receipt(app, template):
    mail = render(app, template)
    track_url = f"{app.config['PUBLIC_BASE_URL']}/track?code={CONTEXT['code']}"
    assert track_url in mail.text
    assert f'href="{track_url}"' in mail.html
    assert "/inbox/" not in mail.text + mail.html
    assert "secret receipt" in mail.text and "secret receipt" in mail.html
    assert "Dear Phạm Thị Dung," in mail.text


def test_a_reporter_without_a_name_is_greeted_plainly(app):
    mail = render(app, "received", name="")
    assert mail.text.startswith("Hello,")
    assert "Dear" not in mail.text + mail.html


def test_the_extension_mail_carries_the_apology_and_the_reason(app):
    mail = render(app, "extended")
    for text in (CONTEXT["apology"], CONTEXT["reason"]):
        assert text in mail.text
    assert "Chúng tôi xin lỗi &amp; mong ông/bà thông cảm." in mail.html
    assert "Cần ý kiến của Sở Tài chính &lt;về giá đất&gt;." in mail.html
    assert "4/6/26, 11:59\u202fPM" in mail.text or "4/6/26, 11:59 PM" in mail.text


@pytest.mark.parametrize("template", STAFF_TEMPLATES)
def test_staff_mails_link_to_the_inbox_and_never_name_the_reporter(app, template):
    # Even if a reporter's details reached the context, the templates would not print them.
    mail = render(app, template, language="vi", name="Phạm Thị Dung",
                  contact_email="dung@congty.vn", contact_phone="0912000111")
    inbox_url = f"{app.config['PUBLIC_BASE_URL']}/inbox/{CONTEXT['code']}"
    assert inbox_url in mail.text and f'href="{inbox_url}"' in mail.html
    for secret in ("Phạm Thị Dung", "dung@congty.vn", "0912000111", "/track"):
        assert secret not in mail.text and secret not in mail.html
    assert '<html lang="vi">' in mail.html


@pytest.mark.parametrize("template", sorted(SUBJECTS))
def test_mail_is_rendered_in_the_message_language(app, template):
    mail = render(app, template, language="vi")
    with app.app_context(), force_locale("vi"):
        expected = str(SUBJECTS[template]) % {"code": CONTEXT["code"]}
    assert mail.subject == expected
    assert '<html lang="vi">' in mail.html
    if template not in ("answered", "closed", "escalation_triage"):  # these show no deadline
        assert "6/4/26" in mail.text  # Vietnamese date order (day/month), whatever the catalogue


def test_english_subjects(app):
    assert render(app, "received").subject == "Report PA-2026-000123 received"
    assert render(app, "closed").subject == "Report PA-2026-000123 is closed"
