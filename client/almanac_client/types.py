"""What the API answers, as plain dataclasses. Every one keeps the whole answer in `raw`, so a
field the server adds later is there before this package names it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def _build(cls: type[T], data: dict[str, Any], **converted: Any) -> T:
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values = {key: value for key, value in data.items() if key in names}
    return cls(**{**values, **converted, "raw": data})


@dataclass(frozen=True)
class Lineage:
    """A dataset version a model version was trained or evaluated on."""

    dataset: str
    version: str
    use: str = "training"

    @classmethod
    def parse(cls, text: str) -> Lineage:
        """`dataset@label` or `dataset@label:evaluation`."""
        ref, _, use = text.partition(":")
        dataset, at, version = ref.partition("@")
        if not at or not dataset or not version:
            raise ValueError(f"{text!r}: write lineage as dataset@label or dataset@label:evaluation")
        return cls(dataset=dataset, version=version, use=use or "training")

    def as_json(self) -> dict[str, str]:
        return {"dataset": self.dataset, "version": self.version, "use": self.use}


@dataclass(frozen=True)
class Dataset:
    slug: str
    name: str
    team: str | None = None
    description: str = ""
    steward: str | None = None
    home_project: str | None = None
    source_uri: str = ""
    format: str = ""
    license: str = ""
    sensitivity: str = ""
    contains_pii: bool = False
    tags: list[str] = field(default_factory=list)
    latest_version: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Dataset:
        return _build(cls, data)


@dataclass(frozen=True)
class UsedBy:
    model: str
    number: int
    status: str
    use: str


@dataclass(frozen=True)
class DatasetVersion:
    dataset: str
    label: str
    released_on: str | None = None
    row_count: int | None = None
    size_bytes: int | None = None
    checksum: str = ""
    location: str = ""
    notes: str = ""
    created_by: str | None = None
    created_at: str | None = None
    used_by: list[UsedBy] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> DatasetVersion:
        return _build(cls, data, used_by=[UsedBy(**u) for u in data.get("used_by") or []])


@dataclass(frozen=True)
class Model:
    slug: str
    name: str
    task: str = ""
    description: str = ""
    framework: str = ""
    project: str | None = None
    latest_version: int | None = None
    latest_status: str | None = None
    version_count: int = 0
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Model:
        return _build(cls, data)


@dataclass(frozen=True)
class ModelVersion:
    model: str
    number: int
    status: str
    metrics: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, Any] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    run_id: str = ""
    source_uri: str = ""
    code_revision: str = ""
    artifact_uri: str = ""
    trained_by: str | None = None
    notes: str = ""
    created_by: str | None = None
    created_at: str | None = None
    lineage: list[Lineage] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> ModelVersion:
        return _build(cls, data, lineage=[Lineage(**item) for item in data.get("lineage") or []])


@dataclass(frozen=True)
class Transition:
    id: int
    from_stage: str
    to_stage: str
    note: str = ""
    override_reason: str = ""
    actor: str | None = None
    created_at: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Transition:
        return _build(cls, data)


@dataclass(frozen=True)
class GateCheck:
    requirement: str
    met: bool
    template: str = ""
    problem: str = ""
    target: dict[str, Any] | None = None
    hidden_target: str = ""
    page: str | None = None
    start_url: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> GateCheck:
        return _build(cls, data)


@dataclass(frozen=True)
class Gate:
    """A project's checklist for entering `stage`."""

    project: str
    stage: str
    allowed: bool
    met: bool
    checks: list[GateCheck] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Gate:
        return _build(cls, data, checks=[GateCheck.from_api(c) for c in data.get("checks") or []])


@dataclass(frozen=True)
class SearchHit:
    kind: str
    slug: str
    title: str
    url: str = ""
    snippet: str = ""
    rank: float | None = None
    updated_at: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> SearchHit:
        return _build(cls, data)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: `results`, the total `count`, and whether there is a `next` page."""

    results: list[T]
    count: int
    next: str | None = None
    previous: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Record:
    """An answer this package has no narrower type for yet (a monitoring record, a comparison,
    an alias, an OpenLineage intake): the JSON body as `raw`, and `record["key"]` reads it."""

    raw: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)


def as_json(value: Any) -> Any:
    """What `--json` prints: the server's own body where there is one."""
    if isinstance(value, Page):
        return {**value.raw, "results": [as_json(item) for item in value.results]}
    raw = getattr(value, "raw", None)
    if isinstance(raw, dict):
        return raw
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value
