"""Exports of a published ranking and of its inputs: CSV, XLSX and the JSON document.

Everything here comes from the immutable snapshot, so an export never changes after publication,
and it carries only ids and the method's fields: no reporter data exists in a snapshot.
"""
from __future__ import annotations

import csv
import io
from typing import Any

from portal.models import PublishedRanking
from portal.scoring import ranking as ranking_rows
from portal.scoring.method import COMPONENTS

RATE_FIELDS = ("k", "n", "raw", "shrunk", "score", "low", "high")


def ranking_table(ranking: PublishedRanking) -> tuple[list[str], list[list[Any]]]:
    """One row per agency: identity, n, composite, band, rank range, components, indicators."""
    groups = ranking_rows.rows_by_group(ranking.figures, ranking.weights)
    indicators = _indicator_names(ranking.figures)
    header = (["period", "version", "method_version", "group", "rank", "rank_best", "rank_worst",
               "code", "name_vi", "name_en", "n", "composite", "composite_low",
               "composite_high", "band"] + [f"component_{c}" for c in COMPONENTS]
              + [f"{name}_{field}" for name in indicators for field in RATE_FIELDS])
    body = []
    for group, rows in groups.items():
        for row in rows:
            a = row.agency
            body.append([ranking.period, ranking.version, ranking.method_version, group, a["rank"],
                         row.rank_best, row.rank_worst, a["code"], a["name_vi"], a["name_en"],
                         a["n"], _round(a["composite"]), _round(row.composite_low),
                         _round(row.composite_high), row.band[0] if row.band else None]
                        + [_round(a["components"].get(c)) for c in COMPONENTS]
                        + [a["indicators"].get(name, {}).get(field)
                           for name in indicators for field in RATE_FIELDS])
    return header, body


def inputs_table(ranking: PublishedRanking) -> tuple[list[str], list[list[Any]]]:
    """The counted report-agency pairs with the method's fields (inputs.input_rows)."""
    header: list[str] = []
    for row in ranking.inputs:
        header += [k for k in row if k not in header]
    if not header:
        header = ["ticket_id", "agency_id"]
        return header, [list(p) for p in ranking.input_pairs]
    return header, [[row.get(k) for k in header] for row in ranking.inputs]


def to_csv(table: tuple[list[str], list[list[Any]]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table[0])
    writer.writerows(table[1])
    return buffer.getvalue()


def to_xlsx(table: tuple[list[str], list[list[Any]]], title: str) -> bytes:
    # Imported here: openpyxl is about 19 MB that only this download needs (worker memory).
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(table[0])
    for row in table[1]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def document(ranking: PublishedRanking) -> dict[str, Any]:
    """The JSON form of the snapshot (/api/v1/scores/{period})."""
    return {"period": ranking.period, "version": ranking.version,
            "method_version": ranking.method_version,
            "period_start": ranking.period_start.isoformat(),
            "period_end": ranking.period_end.isoformat(),
            "published_at": ranking.published_at.isoformat(),
            "weights": ranking.weights, "min_n": ranking.min_n,
            "agencies": ranking.figures["agencies"],
            "input_pairs": ranking.input_pairs, "excluded_pairs": ranking.excluded_pairs}


def _indicator_names(figures: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for agency in figures["agencies"]:
        names += [n for n in agency["indicators"] if n not in names]
    return names


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
