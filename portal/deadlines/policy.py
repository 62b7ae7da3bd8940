"""Time limits per report category, in working days (DESIGN §4)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClockPolicy:
    ack_days: int = 1  # acknowledge within 1 working day
    transfer_days: int = 5  # a misrouted report is transferred within 5 (Decree 92/2017)
    answer_days: int = 20  # the Government feedback-portal rule
    extension_days: int = 10  # the one extension an agency may take


DEFAULT_POLICY = ClockPolicy()
