"""Reads of monitoring: a version's charts (server-rendered SVG geometry with a text
alternative) and its open drift events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from monitoring.models import DriftEvent, MonitoringRecord
from registry.models import ModelVersion

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_Y = 640, 200, 56, 16, 20
POINTS_PER_CHART = 200  # the most recent observations of each metric


@dataclass
class Point:
    x: float
    y: float
    value: float
    observed_at: datetime
    breached: bool


@dataclass
class Chart:
    metric: str
    threshold: float
    direction: str
    points: list[Point] = field(default_factory=list)
    threshold_y: float = 0.0
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, label)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = PAD_LEFT
    right: int = WIDTH - PAD_RIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def breaches(self) -> int:
        return sum(p.breached for p in self.points)

    @property
    def summary(self) -> str:
        first, last = self.points[0], self.points[-1]
        side = "above" if self.direction == "above" else "below"
        return (f"{self.metric}: {len(self.points)} observations from {first.observed_at:%Y-%m-%d} to "
                f"{last.observed_at:%Y-%m-%d}, last {last.value:g}; a value {side} {self.threshold:g} "
                f"is a breach ({self.breaches} so far).")


def chart(metric: str, records: list[MonitoringRecord]) -> Chart:
    latest = records[-1]
    made = Chart(metric=metric, threshold=latest.threshold, direction=latest.direction)
    values = [r.value for r in records] + [latest.threshold]
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    span = high - low
    low, high = low - span * 0.08, high + span * 0.08
    start, end = records[0].observed_at, records[-1].observed_at
    seconds = max((end - start).total_seconds(), 1.0)

    def y_of(value: float) -> float:
        return PAD_Y + (high - value) / (high - low) * (HEIGHT - 2 * PAD_Y)

    for record in records:
        x = PAD_LEFT + (record.observed_at - start).total_seconds() / seconds * (WIDTH - PAD_LEFT - PAD_RIGHT)
        made.points.append(Point(x, y_of(record.value), record.value, record.observed_at, record.breached))
    made.threshold_y = y_of(latest.threshold)
    made.ticks = [(y_of(v), f"{v:.3g}") for v in (high, (high + low) / 2, low)]
    return made


def version_charts(*, version: ModelVersion) -> list[Chart]:
    """One chart per metric of `version`: its latest observations against its threshold."""
    by_metric: dict[str, list[MonitoringRecord]] = {}
    metrics = (version.monitoring_records.order_by("metric").values_list("metric", flat=True).distinct())
    for metric in list(metrics)[:12]:
        recent = list(version.monitoring_records.filter(metric=metric)
                      .order_by("-observed_at")[:POINTS_PER_CHART])
        by_metric[metric] = recent[::-1]
    return [chart(metric, records) for metric, records in by_metric.items()]


def open_drift(*, version: ModelVersion) -> QuerySet[DriftEvent]:
    return version.drift_events.filter(resolved_at__isnull=True).select_related("report__space")
