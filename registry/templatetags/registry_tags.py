"""Server-rendered pictures of the registry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from registry import compare
from registry.models import DatasetVersion, ModelVersion

register = template.Library()

COLUMN_X = (10, 250, 490)
NODE_W, NODE_H, GAP = 200, 34, 14


@dataclass
class Node:
    label: str
    sub: str
    url: str
    x: int = 0
    y: int = 0
    current: bool = False

    @property
    def cx_right(self) -> int:
        return self.x + NODE_W

    @property
    def cy(self) -> int:
        return self.y + NODE_H // 2


def _place(columns: list[list[Node]]) -> int:
    height = max(len(c) for c in columns) * (NODE_H + GAP) + GAP
    for x, column in zip(COLUMN_X, columns, strict=True):
        top = (height - len(column) * (NODE_H + GAP) + GAP) // 2
        for index, node in enumerate(column):
            node.x, node.y = x, top + index * (NODE_H + GAP)
    return height


def _unique(nodes: list[Node]) -> list[Node]:
    seen: dict[str, Node] = {}
    for node in nodes:
        seen.setdefault(node.url, node)
    return list(seen.values())


def _caveats(dataset_version: DatasetVersion) -> str:
    """", 2 open caveats" on a data node (its caveats are prefetched, open ones only)."""
    count = sum(1 for c in dataset_version.caveats.all() if c.status == "open")
    return f", {count} open caveat{'s' if count != 1 else ''}" if count else ""


@register.inclusion_tag("registry/_lineage_graph.html")
def lineage_graph(version: ModelVersion | DatasetVersion) -> dict[str, Any]:
    """Dataset versions → model versions → the projects using them, as an SVG.

    Expects `version.lineage` prefetched with the rows the reader may see (the selectors
    `model_versions_with_lineage` / `dataset_versions_with_usage` do that).
    """
    edges: list[tuple[Node, Node]] = []
    if isinstance(version, ModelVersion):
        center = Node(f"{version.model.name} v{version.number}", version.status,
                      version.get_absolute_url(), current=True)
        left = _unique([Node(str(e.dataset_version), e.use + _caveats(e.dataset_version),
                             e.dataset_version.get_absolute_url())
                        for e in version.lineage.all()])
        project = version.model.project
        right = [Node(project.name, project.get_stage_display(), project.get_absolute_url())]
        by_url = {n.url: n for n in left}
        edges = [(by_url[e.dataset_version.get_absolute_url()], center) for e in version.lineage.all()]
        edges += [(center, right[0])]
        columns = [left or [Node("no recorded data", "", "")], [center], right]
    else:
        center = Node(str(version), f"{version.row_count or '?'} rows" + _caveats(version),
                      version.get_absolute_url(), current=True)
        middle = _unique([Node(str(e.model_version), e.use, e.model_version.get_absolute_url())
                          for e in version.lineage.all()])
        projects = _unique([Node(e.model_version.model.project.name,
                                 e.model_version.model.project.get_stage_display(),
                                 e.model_version.model.project.get_absolute_url())
                            for e in version.lineage.all()])
        mids = {n.url: n for n in middle}
        ends = {n.url: n for n in projects}
        for e in version.lineage.all():
            mv = mids[e.model_version.get_absolute_url()]
            edges.append((center, mv))
            edges.append((mv, ends[e.model_version.model.project.get_absolute_url()]))
        columns = [[center], middle or [Node("no model version yet", "", "")], projects or []]
        if not projects:
            columns[2] = [Node("", "", "")]
    height = _place(columns)
    nodes = [n for column in columns for n in column if n.label]
    lines = {(a.cx_right, a.cy, b.x, b.cy) for a, b in edges}
    return {"nodes": nodes, "lines": sorted(lines), "height": height, "width": COLUMN_X[2] + NODE_W + 10,
            "node_w": NODE_W, "node_h": NODE_H}


@register.filter
def change_value(value: Any) -> str:
    """One side of an Activity change, for people: lists joined, nothing as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(change_value(v) for v in value)
    if isinstance(value, dict):  # a reference to an object (registry.services.activity_ref)
        return str(value.get("name", ""))
    return str(value)


@register.filter
def ago(moment: Any) -> str:
    """How long ago, for people: "just now" within a minute, else "3 hours ago"."""
    if moment is None:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment)} ago"


@register.simple_tag
def change_line(field: str, pair: Any) -> str:
    """One change of an Activity row, for people: "stage: Proposed → Data discovery",
    "revision 3" when something is only set, "tags: churn removed" when only cleared."""
    label = field.replace("_", " ")
    before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
    empty = (None, "", [])
    if before in empty and after in empty:
        return label
    if before in empty:
        return f"{label} {change_value(after)}" if not isinstance(after, list) else \
            f"{label}: {change_value(after)}"
    if after in empty:
        return f"{label}: {change_value(before)} removed"
    return f"{label}: {change_value(before)} → {change_value(after)}"


@register.inclusion_tag("registry/_metric_charts.html")
def metric_charts(versions: list[ModelVersion]) -> dict[str, Any]:
    """Each metric across the versions, as SVG line charts with their data as a table.
    Expects `versions` with their aliases prefetched (selectors.model_versions_with_lineage)."""
    return {"charts": compare.metric_charts(versions)}
