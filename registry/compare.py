"""Comparing versions of one model side by side (the compare page and
GET /api/v1/models/{slug}/compare/), and the numbers behind the model page's metric charts.
Pure functions over versions a selector loaded (lineage and aliases prefetched): no queries."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from registry.models import ModelVersion

MAX_COMPARED = 10


def parse_numbers(raw: str | None) -> list[int]:
    """`"3,4,5"` → [3, 4, 5]; a ValidationError naming `versions` for anything else."""
    parts = [p.strip() for p in (raw or "").split(",") if p.strip()]
    if not parts:
        raise ValidationError({"versions": "Name the versions to compare, e.g. versions=3,4."})
    if not all(p.isdigit() and len(p) < 10 for p in parts):
        raise ValidationError({"versions": "Version numbers separated by commas, e.g. 3,4,5."})
    numbers = list(dict.fromkeys(int(p) for p in parts))
    if len(numbers) > MAX_COMPARED:
        raise ValidationError({"versions": f"At most {MAX_COMPARED} versions at once."})
    return numbers


@dataclass
class Row:
    name: str
    values: list[Any]  # one per compared version, None when absent
    deltas: list[float | None] = field(default_factory=list)  # vs the first version (metrics)

    @property
    def pairs(self) -> list[tuple[Any, float | None]]:
        return list(zip(self.values, self.deltas or [None] * len(self.values), strict=True))

    @property
    def differs(self) -> bool:
        return len({repr(v) for v in self.values}) > 1

    def as_dict(self, numbers: Sequence[int]) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "differs": self.differs,
                               "values": {str(n): v for n, v in zip(numbers, self.values, strict=True)}}
        if self.deltas:
            out["deltas"] = {str(n): d for n, d in zip(numbers, self.deltas, strict=True)}
        return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _rows(dicts: list[dict], *, deltas: bool = False) -> list[Row]:
    names = sorted({name for d in dicts for name in d})
    rows = []
    for name in names:
        values = [d.get(name) for d in dicts]
        row = Row(name, values)
        if deltas:
            base = _number(values[0])
            row.deltas = [None if base is None or _number(v) is None else round(_number(v) - base, 6)
                          for v in values]
        rows.append(row)
    return rows


@dataclass
class Comparison:
    versions: list[ModelVersion]
    metrics: list[Row]
    params: list[Row]
    tags: list[Row]
    lineage: list[Row]  # one per dataset (and use): which of its versions each model version used

    @property
    def numbers(self) -> list[int]:
        return [v.number for v in self.versions]

    def as_dict(self) -> dict[str, Any]:
        numbers = self.numbers
        return {
            "model": self.versions[0].model.slug,
            "versions": [{"number": v.number, "status": v.status,
                          "aliases": [a.name for a in v.aliases.all()],
                          "created_at": v.created_at} for v in self.versions],
            "metrics": [r.as_dict(numbers) for r in self.metrics],
            "params": [r.as_dict(numbers) for r in self.params],
            "tags": [r.as_dict(numbers) for r in self.tags],
            "lineage": [r.as_dict(numbers) for r in self.lineage],
        }


def compare(versions: Sequence[ModelVersion]) -> Comparison:
    """Metrics with their deltas from the first version, params, tags, and the lineage: for
    each dataset (and use), the dataset version each model version used (`differs` marks the
    data that changed)."""
    versions = list(versions)
    used: list[dict[str, str]] = []
    for version in versions:
        data: dict[str, list[str]] = {}
        for edge in version.lineage.all():
            key = f"{edge.dataset_version.dataset.slug} ({edge.use})"
            data.setdefault(key, []).append(edge.dataset_version.label)
        used.append({key: ", ".join(sorted(labels)) for key, labels in data.items()})
    return Comparison(
        versions=versions,
        metrics=_rows([v.metrics for v in versions], deltas=True),
        params=_rows([v.params for v in versions]),
        tags=_rows([v.tags for v in versions]),
        lineage=_rows(used),
    )


# --- the model page's charts --------------------------------------------------------------------
CHART_W, CHART_H, PAD_L, PAD_R, PAD_T, PAD_B = 320, 140, 46, 12, 12, 28


@dataclass
class Point:
    number: int
    value: float
    x: float
    y: float
    status: str
    aliases: list[str]

    @property
    def marked(self) -> bool:
        return self.status == ModelVersion.Status.PRODUCTION or bool(self.aliases)

    @property
    def label(self) -> str:
        marks = ([self.status] if self.status == ModelVersion.Status.PRODUCTION else []) + \
            [f"@{a}" for a in self.aliases]
        return f"v{self.number}" + (f" ({', '.join(marks)})" if marks else "")


@dataclass
class Chart:
    metric: str
    points: list[Point]
    low: float
    high: float
    width: int = CHART_W
    height: int = CHART_H

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points))

    @property
    def ticks(self) -> list[tuple[float, str]]:
        return [(PAD_T, _fmt(self.high)), (CHART_H - PAD_B, _fmt(self.low))]

    @property
    def axis_y(self) -> int:
        return CHART_H - PAD_B

    @property
    def axis_x(self) -> int:
        return PAD_L

    @property
    def right(self) -> int:
        return CHART_W - PAD_R

    @property
    def summary(self) -> str:
        first, last = self.points[0], self.points[-1]
        return (f"{self.metric} over {len(self.points)} version(s): v{first.number} {_fmt(first.value)}"
                f" to v{last.number} {_fmt(last.value)}, lowest {_fmt(self.low)}, highest {_fmt(self.high)}.")


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def metric_charts(versions: Sequence[ModelVersion]) -> list[Chart]:
    """One chart per metric, oldest version on the left, versions without it skipped."""
    versions = sorted(versions, key=lambda v: v.number)
    names = sorted({name for v in versions for name, value in v.metrics.items()
                    if _number(value) is not None})
    charts = []
    for name in names:
        series = [(v, _number(v.metrics.get(name))) for v in versions]
        series = [(v, value) for v, value in series if value is not None]
        low, high = min(value for _, value in series), max(value for _, value in series)
        span = (high - low) or 1.0
        step = (CHART_W - PAD_L - PAD_R) / max(len(series) - 1, 1)
        points = [Point(v.number, value,
                        PAD_L + (step * i if len(series) > 1 else (CHART_W - PAD_L - PAD_R) / 2),
                        PAD_T + (high - value) / span * (CHART_H - PAD_T - PAD_B),
                        v.status, [a.name for a in v.aliases.all()])
                  for i, (v, value) in enumerate(series)]
        charts.append(Chart(name, points, low, high))
    return charts
