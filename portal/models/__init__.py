"""Every model, imported here so Alembic autogenerate sees the whole schema."""
from portal.models.agency import Agency, AgencySuccession, DirectoryChange, Procedure
from portal.models.audit import AuditEntry
from portal.models.clock import CalendarOverride, SlaPolicy
from portal.models.event import EventKind, TicketEvent
from portal.models.hold import HoldOutcome, HoldSegment
from portal.models.idempotency import IdempotencyKey
from portal.models.outbox import OutboxMessage
from portal.models.published import PublishedText
from portal.models.rating import Rating
from portal.models.routing import RoutingCorrection, RoutingSuggestion
from portal.models.scoring import ScoringSetting
from portal.models.scores import FlagDecision, FlagKind, PublishedRanking, ReviewFlag, ScoreDraft
from portal.models.ticket import Attachment, Ticket, TrackingCounter
from portal.models.token import ApiToken
from portal.models.user import User
from portal.models.vocab import AgencyGroup, Category, Channel, Role, Sector, Status

__all__ = ["Agency", "AgencySuccession", "ApiToken", "AgencyGroup", "Attachment", "AuditEntry", "CalendarOverride", "Category", "Channel",
           "DirectoryChange",
           "EventKind", "FlagDecision", "FlagKind", "HoldOutcome", "HoldSegment", "IdempotencyKey", "OutboxMessage",
           "Procedure", "PublishedRanking", "PublishedText", "Rating", "ReviewFlag", "Role", "RoutingCorrection", "RoutingSuggestion",
           "ScoreDraft", "ScoringSetting", "Sector", "SlaPolicy", "Status", "Ticket", "TicketEvent", "TrackingCounter", "User"]
