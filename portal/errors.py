"""Domain errors. The web maps them to form errors or flashes, the CLI to ClickException."""
from __future__ import annotations


class PortalError(Exception):
    """Base of every error a domain service raises on purpose."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(PortalError):
    """The thing does not exist, or the actor may not know that it exists."""


class PermissionDenied(PortalError):
    """The actor may see the thing but not do this to it."""


class ValidationFailed(PortalError):
    """Input broke a rule; ``errors`` lists (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(str(m) for _, m in errors))
        self.errors = errors


class Conflict(PortalError):
    """Someone else changed the thing since the actor loaded it."""


class InvalidTransition(PortalError):
    """The action is not allowed in the report's current status."""
