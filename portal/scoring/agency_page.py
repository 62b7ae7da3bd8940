"""The public page of one agency's scores, gathered from the published snapshots."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.directory import lookup
from portal.models import Agency, Category, PublishedRanking, Ticket
from portal.scoring import charts, publish, ranking as ranking_rows
from portal.scoring.method import COMPONENTS
from portal.scoring.report import shown_count


@dataclass(frozen=True)
class AgencyPage:
    agency: Agency
    history: list[tuple[PublishedRanking, dict[str, Any] | None]]
    charts: dict[str, charts.Chart]
    latest: ranking_rows.RankingRow | None
    latest_ranking: PublishedRanking | None
    group_size: int
    by_category: list[tuple[Category, int | None]]
    predecessors: list[Agency]
    successors: list[Agency]


def agency_page(session: Session, agency: Agency) -> AgencyPage:
    rankings = list(reversed(publish.latest_versions(session)))
    history = [(r, next((a for a in r.figures["agencies"] if a["code"] == agency.code), None))
               for r in rankings]
    history = [(r, a) for r, a in history if a is not None]
    series = {c: charts.line_chart([(r.period, a["components"].get(c)) for r, a in history])
              for c in COMPONENTS}
    latest = latest_ranking = None
    group_size = 0
    if history:
        latest_ranking = history[-1][0]
        groups = ranking_rows.rows_by_group(latest_ranking.figures, latest_ranking.weights)
        rows = groups.get(agency.group.value, [])
        group_size = sum(1 for r in rows if r.ranked)
        latest = next((r for r in rows if r.agency["code"] == agency.code), None)
    return AgencyPage(agency, history, series, latest, latest_ranking, group_size,
                      _by_category(session, latest_ranking, agency), lookup.predecessors(agency),
                      lookup.successors(agency))


def _by_category(session, ranking, agency) -> list[tuple[Category, int | None]]:
    """Reports counted for the agency in the latest published period, harassment only from 5."""
    if ranking is None:
        return []
    ids = [t for t, a in ranking.input_pairs if a == agency.id]
    counts = {}
    if ids:
        counts = dict(session.execute(sa.select(Ticket.category, sa.func.count())
                                      .where(Ticket.id.in_(ids)).group_by(Ticket.category)).all())
    return [(c, shown_count(counts.get(c, 0)) if c == Category.harassment else counts.get(c, 0))
            for c in Category]
