"""Geometry of the agency page's charts: one line per component over published periods.

The template draws the SVG from these numbers (no script, no external library), and the same
numbers fill the table shown beside each chart for screen readers and printing.
"""
from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 12, 32
SCALE = (1.0, 10.0)  # component scores


@dataclass(frozen=True)
class Point:
    label: str          # the period code
    value: float | None
    x: float
    y: float | None


@dataclass(frozen=True)
class Chart:
    points: list[Point]
    gridlines: list[tuple[float, float]]  # (value, y)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def polyline(self) -> str:
        """Points of the line; a missing value breaks nothing, it is just left out."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points if p.y is not None)

    @property
    def summary(self) -> str:
        """The values in words for the SVG's <desc>: "2024H2: 6.50; 2025H1: —"."""
        return "; ".join(f"{p.label}: {'—' if p.value is None else f'{p.value:.2f}'}"
                         for p in self.points)

    @property
    def baseline(self) -> float:
        return HEIGHT - BOTTOM


def line_chart(series: list[tuple[str, float | None]], scale: tuple[float, float] = SCALE) -> Chart:
    low, high = scale
    span = WIDTH - LEFT - RIGHT
    step = span / max(len(series) - 1, 1)

    def y_of(value: float) -> float:
        return TOP + (high - value) / (high - low) * (HEIGHT - TOP - BOTTOM)

    points = [Point(label, value, LEFT + (i * step if len(series) > 1 else span / 2),
                    None if value is None else round(y_of(value), 1))
              for i, (label, value) in enumerate(series)]
    grid = [(v, round(y_of(v), 1)) for v in (low, (low + high) / 2, high)]
    return Chart(points, grid)
