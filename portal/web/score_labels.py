"""Translated names of the score's components, indicators and groups (templates and exports)."""
from __future__ import annotations

from portal.i18n import _l
from portal.models.vocab import GROUP_LABELS, AgencyGroup

COMPONENT_LABELS = {
    "time": _l("Time cost"),
    "integrity": _l("Informal charges"),
    "satisfaction": _l("Satisfaction"),
    "transparency": _l("Transparency"),
    "accountability": _l("Accountability"),
}

INDICATOR_LABELS = {
    "ack_on_time": _l("Acknowledged on time"),
    "answer_on_time": _l("Answered on time"),
    "median_days": _l("Median working days to answer"),
    "harassment_rate": _l("Harassment reports per 100 reports"),
    "satisfied": _l("Answers rated 4–5 of 5"),
    "published": _l("Answers published"),
    "legal_basis": _l("Answers citing a legal basis"),
    "reopened": _l("Reopened or escalated after an answer"),
}

FLAG_KIND_LABELS = {
    "misrouted": _l("Misrouted"),
    "duplicate": _l("Duplicate"),
}

FLAG_DECISION_LABELS = {
    "pending": _l("Waiting for the coordinator"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
}


def component_label(name: str):
    return COMPONENT_LABELS.get(name, name)


def indicator_label(name: str):
    return INDICATOR_LABELS.get(name, name)


def group_label(group: str):
    return GROUP_LABELS.get(AgencyGroup(group), group)
