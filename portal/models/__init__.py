"""Every model, imported here so Alembic autogenerate sees the whole schema."""
from portal.models.agency import Agency, Procedure
from portal.models.event import EventKind, TicketEvent
from portal.models.rating import Rating
from portal.models.ticket import Attachment, Ticket, TrackingCounter
from portal.models.user import User
from portal.models.vocab import AgencyGroup, Category, Channel, Role, Sector, Status

__all__ = ["Agency", "AgencyGroup", "Attachment", "Category", "Channel", "EventKind", "Procedure",
           "Rating", "Role", "Sector", "Status", "Ticket", "TicketEvent", "TrackingCounter", "User"]
