"""OpenLineage run events (https://openlineage.io/spec): the shape Almanac reads, and the
rules that name things — a dataset's address, a version's label. No database here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

COMPLETE = "COMPLETE"
EVENT_TYPES = ("START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER")


def dataset_uri(namespace: str, name: str) -> str:
    """The source location an OpenLineage dataset maps to: `s3://lake` + `sales/2026` is
    `s3://lake/sales/2026`; `postgres://db:5432` + `shop.public.orders` is
    `postgres://db:5432/shop.public.orders`."""
    return f"{namespace.rstrip('/')}/{name.strip('/')}"


def covers(source_uri: str, uri: str) -> bool:
    """Whether a dataset whose source location is `source_uri` holds `uri`: the same place,
    or a path under it (`s3://lake/sales/` holds `s3://lake/sales/2026-10`)."""
    base = source_uri.strip().rstrip("/")
    return bool(base) and (uri == base or uri.startswith(base + "/"))


@dataclass(frozen=True)
class DatasetRef:
    namespace: str
    name: str
    version: str = ""  # the `version` facet's datasetVersion, when the producer sent one
    row_count: int | None = None
    size_bytes: int | None = None

    @property
    def uri(self) -> str:
        return dataset_uri(self.namespace, self.name)


@dataclass(frozen=True)
class RunEvent:
    event_type: str
    event_time: datetime
    run_id: str
    job_namespace: str
    job_name: str
    inputs: tuple[DatasetRef, ...]
    outputs: tuple[DatasetRef, ...]

    @property
    def label(self) -> str:
        """The label of a dataset version with no version facet: the event's time, in UTC."""
        return self.event_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def day(self) -> date:
        return self.event_time.astimezone(UTC).date()

    @classmethod
    def from_validated(cls, data: dict[str, Any]) -> RunEvent:
        """From the API serializer's validated data (keys as the spec spells them)."""
        def refs(items: list[dict[str, Any]], facet_key: str) -> tuple[DatasetRef, ...]:
            out: dict[tuple[str, str], DatasetRef] = {}
            for item in items:
                metrics = item.get(facet_key) or {}
                out.setdefault((item["namespace"], item["name"]), DatasetRef(
                    namespace=item["namespace"], name=item["name"], version=item.get("version", ""),
                    row_count=metrics.get("rowCount"), size_bytes=metrics.get("bytes", metrics.get("size"))))
            return tuple(out.values())

        return cls(event_type=data["eventType"], event_time=data["eventTime"],
                   run_id=str(data["run"]["runId"]), job_namespace=data["job"]["namespace"],
                   job_name=data["job"]["name"], inputs=refs(data.get("inputs", []), "metrics"),
                   outputs=refs(data.get("outputs", []), "metrics"))
