"""Open311 GeoReport v2 at /open311/v2, plus mySociety's servicerequestupdates (read).

Views parse the specification's arguments, call the same services as the web and render
through ``formats``. The profile (what we chose where the specification lets us) is in the
README, section "Open311 GeoReport v2 profile".
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, current_app, request, url_for
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from portal import clock, dispatch
from portal.accounts import tokens
from portal.api.open311 import formats, serializers
from portal.errors import ValidationFailed
from portal.extensions import db, limiter
from portal.i18n import _
from portal.models import Category, Channel, Status, User
from portal.models.vocab import STATUS_LABELS
from portal.tickets import intake, public_records
from portal.replica import read_only

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

FMT = "<any(xml, json):fmt>"
MAX_RANGE = timedelta(days=90)
MAX_REQUESTS = 1000
DESCRIPTION_MAX = 4000
# Our field names (intake) as a client knows them (Open311 arguments).
_ARGUMENTS = {"category": "service_code", "subject": "description", "locality": "address_string",
              "contact_name": "first_name", "contact_email": "email", "contact_phone": "phone"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


@bp.errorhandler(Open311Error)
def _open311_error(error: Open311Error):
    return formats.errors([(error.status, error.description)], _fmt(), error.status)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    status = error.code or 400
    return formats.errors([(status, error.description or error.name)], _fmt(), status)


def _fmt() -> str:
    return (request.view_args or {}).get("fmt") or formats.format_of(request.path)


def _locale() -> str:
    return str(get_locale())


def _arg(name: str, source=None) -> str:
    """An argument; the specification reads an empty value as absent."""
    return ((source if source is not None else request.args).get(name) or "").strip()


def _date(name: str) -> datetime | None:
    value = _arg(name)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Open311Error(400, _("%(name)s must be a W3C date-time, such as "
                                  "2026-01-31T09:00:00+07:00.", name=name)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _date_range() -> tuple[datetime, datetime]:
    """start_date/end_date: at most 90 days apart; by default the last 90 days."""
    start, end = _date("start_date"), _date("end_date")
    if start is None and end is None:
        end = clock.now_utc()
    if start is None:
        start = end - MAX_RANGE
    if end is None:
        end = start + MAX_RANGE
    if end < start:
        raise Open311Error(400, _("end_date must not be before start_date."))
    if end - start > MAX_RANGE:
        raise Open311Error(400, _("The date range may not exceed 90 days."))
    return start, end


def _category(code: str) -> Category:
    if code not in Category.__members__:
        raise Open311Error(404, _("Unknown service_code: %(code)s.", code=code))
    return Category(code)


def _api_user() -> User:
    """The user whose API token is the api_key; 403 when missing or invalid."""
    key = _arg("api_key", request.form if request.method == "POST" else None) or _arg("api_key")
    user = tokens.authenticate(key, now=clock.now_utc(), key=current_app.config["RECEIPT_KEY"])
    if user is None:
        raise Open311Error(403, _("A valid api_key is required."))
    return user


@bp.route(f"/discovery.{FMT}")
def discovery(fmt: str):
    config = current_app.config
    document = serializers.discovery(
        url=url_for(".discovery", fmt=fmt, _external=True).rsplit("/", 1)[0],
        contact=config.get("OPEN311_CONTACT") or config["MAIL_FROM"],
        key_service=_("The api_key is a personal API token of a portal account: staff create "
                      "them in the web interface, administrators with "
                      "“flask portal token USERNAME”."),
        max_requests=MAX_REQUESTS)
    return formats.render("discovery", document, fmt)


@bp.route(f"/services.{FMT}")
def services(fmt: str):
    return formats.render("services", serializers.services(), fmt)


@bp.route(f"/services/<code>.{FMT}")
def service_definition(code: str, fmt: str):
    category = _category(code)
    return formats.render("service_definition", serializers.service_definition(category), fmt)


@bp.route(f"/requests.{FMT}")
@read_only
def requests_list(fmt: str):
    codes = [c for c in _arg("service_request_id").split(",") if c.strip()]
    categories = [_category(c.strip()) for c in _arg("service_code").split(",") if c.strip()]
    statuses = {s.strip() for s in _arg("status").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed or both."))
    start, end = _date_range()
    closed = None if len(statuses) != 1 else statuses == {"closed"}
    found = public_records.records(codes=codes, categories=categories, start=start, end=end,
                                   closed=closed, limit=MAX_REQUESTS)
    locale = _locale()
    return formats.render("service_requests",
                          [serializers.request_record(r, locale) for r in found], fmt)


@bp.route(f"/requests/<code>.{FMT}")
@read_only
def request_detail(code: str, fmt: str):
    record = public_records.record(code)
    if record is None:
        raise Open311Error(404, _("Unknown service_request_id: %(code)s.", code=code))
    return formats.render("service_requests", [serializers.request_record(record, _locale())], fmt)


@bp.route(f"/requests.{FMT}", methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_FILING"])
def request_create(fmt: str):
    user = _api_user()
    submission = _submission(request.form)
    try:
        filed = intake.submit_ticket(submission, filed_by=user, now=clock.now_utc(),
                                     config=current_app.config)
    except ValidationFailed as exc:
        db.session.rollback()
        return formats.errors([(400, f"{_ARGUMENTS.get(name, name)}: {message}")
                               for name, message in exc.errors], fmt, 400)
    db.session.commit()
    dispatch.send_queued_mail()
    notice = _("Receipt: %(receipt)s. Keep it secret: with the code it lets you follow the "
               "request at %(url)s.", receipt=filed.receipt,
               url=url_for("track.lookup", _external=True))
    return formats.render("service_requests", [serializers.created(filed.ticket.code, notice)], fmt)


def _submission(form) -> intake.Submission:
    """A Submission from the form-encoded Open311 arguments (see the README profile)."""
    code = _arg("service_code", form)
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = _category(code)
    description = _arg("description", form)
    if not description:
        raise Open311Error(400, _("description is required."))
    if len(description) > DESCRIPTION_MAX:
        raise Open311Error(400, _("description must be at most %(n)d characters.",
                                  n=DESCRIPTION_MAX))
    subject = description.splitlines()[0].strip()[:200]
    name = " ".join(p for p in (_arg("first_name", form), _arg("last_name", form)) if p)
    return intake.Submission(
        category=category.value, subject=subject, description=description, channel=Channel.api,
        locality=_location(form), contact_name=name, contact_email=_arg("email", form),
        contact_phone=_arg("phone", form), language=_locale())


def _location(form) -> str:
    """address_string (the administrative unit), else "lat,long" as text; optional for us."""
    address, lat, long = _arg("address_string", form), _arg("lat", form), _arg("long", form)
    if address:
        if len(address) > 120:
            raise Open311Error(400, _("address_string must be at most 120 characters."))
        return address
    if not lat and not long:
        return ""
    try:
        latitude, longitude = float(lat), float(long)
    except ValueError:
        raise Open311Error(400, _("lat and long must both be WGS84 decimal degrees.")) from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Open311Error(400, _("lat and long must both be WGS84 decimal degrees."))
    return f"{latitude:.6f},{longitude:.6f}"


@bp.route(f"/tokens/<token>.{FMT}")
def token(token: str, fmt: str):
    # Every service is realtime: we never issue tokens, so none can be found.
    raise Open311Error(404, _("Unknown token: %(token)s.", token=token))


@bp.route(f"/servicerequestupdates.{FMT}")
def updates(fmt: str):
    """mySociety's extension: public status changes in the date range (api_key required)."""
    _api_user()
    db.session.commit()  # the token's last use
    start, end = _date_range()
    items = public_records.updates(start=start, end=end, limit=MAX_REQUESTS)
    document = [serializers.update(item, str(STATUS_LABELS[Status(item.status)])) for item in items]
    return formats.render("service_requests_updates", document, fmt)


@bp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(anything: str):
    """Unknown paths and methods get the specification's error body, not an HTML page."""
    if request.method != "GET":
        endpoint, _args = current_app.url_map.bind_to_environ(request.environ).match(method="GET")
        if endpoint != "open311.unknown":
            raise Open311Error(405, _("This method is not allowed for this resource."))
    raise Open311Error(404, _("Unknown resource."))
