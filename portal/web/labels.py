"""Translated labels for history events."""
from portal.i18n import _l
from portal.models.event import EventKind

EVENT_LABELS = {
    EventKind.filed: _l("Report received"),
    EventKind.assigned: _l("Assigned to an agency"),
    EventKind.acknowledged: _l("Acknowledged by the agency"),
    EventKind.info_requested: _l("The agency asked for information"),
    EventKind.reporter_replied: _l("Reply from the reporter"),
    EventKind.answered: _l("Answer published"),
    EventKind.note: _l("Internal note"),
    EventKind.transferred: _l("Sent back for re-routing"),
    EventKind.closed: _l("Closed"),
    EventKind.rejected: _l("Rejected"),
    EventKind.rated: _l("Answer rated"),
    EventKind.reopened: _l("Reopened by the reporter"),
    EventKind.extended: _l("Answer deadline extended"),
    EventKind.escalated: _l("Escalated"),
    EventKind.moved: _l("Moved to the agency that succeeded the one holding it"),
    EventKind.identity_viewed: _l("Identity viewed by the inspectorate"),
}
