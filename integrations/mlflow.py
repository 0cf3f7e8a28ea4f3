"""A reader of an MLflow tracking server's REST API (`/api/2.0/mlflow/...`), standard library
only: registered models with their description, tags and aliases; their versions with tags,
stage, status and source; each source run's metrics, params and logged dataset inputs. It
returns plain dataclasses and writes nothing (`integrations.services.mlflow_import` does)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

PAGE = 200  # registered-models/search allows at most 1000; model-versions/search more


class MlflowError(Exception):
    """The tracking server could not be read (unreachable, or an error answer)."""


def _tags(items: list[dict[str, Any]] | None) -> dict[str, str]:
    return {item["key"]: item.get("value", "") for item in items or [] if "key" in item}


@dataclass(frozen=True)
class MlflowModel:
    name: str
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> version
    updated_ms: int | None = None


@dataclass(frozen=True)
class MlflowVersion:
    name: str
    version: str
    stage: str = "None"  # None, Staging, Production, Archived (MLflow's deprecated stages)
    status: str = "READY"  # READY, PENDING_REGISTRATION, FAILED_REGISTRATION
    description: str = ""
    source: str = ""
    run_id: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    created_ms: int | None = None

    @property
    def number(self) -> int:
        return int(self.version)


@dataclass(frozen=True)
class DatasetInput:
    name: str
    digest: str = ""
    source_type: str = ""
    source: str = ""
    context: str = ""  # the `mlflow.data.context` tag: training, evaluation...


@dataclass(frozen=True)
class MlflowRun:
    run_id: str
    user: str = ""
    metrics: dict[str, float] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    inputs: tuple[DatasetInput, ...] = ()
    experiment_id: str = ""

    @property
    def git_commit(self) -> str:
        return self.tags.get("mlflow.source.git.commit", "")


class MlflowReader:
    def __init__(self, tracking_uri: str, *, token: str | None = None, timeout: float = 30.0) -> None:
        self.base = tracking_uri.rstrip("/") + "/api/2.0/mlflow/"
        self.token = token
        self.timeout = timeout

    def _get(self, path: str, **params: Any) -> dict[str, Any]:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v not in (None, "")})
        request = urllib.request.Request(self.base + path + (f"?{query}" if query else ""),
                                         headers={"Accept": "application/json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            body = error.read().decode(errors="replace")[:300]
            error.close()
            raise MlflowError(f"{error.code} from {path}: {body}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise MlflowError(f"{self.base}{path}: {getattr(error, 'reason', error)}") from None

    def _pages(self, path: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
        token = None
        while True:
            data = self._get(path, max_results=PAGE, page_token=token, **params)
            yield from data.get(key, [])
            token = data.get("next_page_token")
            if not token:
                return

    def registered_models(self) -> Iterator[MlflowModel]:
        for item in self._pages("registered-models/search", "registered_models"):
            yield MlflowModel(
                name=item["name"], description=item.get("description", ""), tags=_tags(item.get("tags")),
                aliases={a["alias"]: str(a["version"]) for a in item.get("aliases", [])},
                updated_ms=item.get("last_updated_timestamp"))

    def model_versions(self, name: str) -> list[MlflowVersion]:
        escaped = name.replace("'", "\\'")
        versions = [
            MlflowVersion(
                name=item["name"], version=str(item["version"]), stage=item.get("current_stage") or "None",
                status=item.get("status", "READY"), description=item.get("description", ""),
                source=item.get("source", ""), run_id=item.get("run_id", ""), tags=_tags(item.get("tags")),
                aliases=tuple(item.get("aliases", [])), created_ms=item.get("creation_timestamp"))
            for item in self._pages("model-versions/search", "model_versions", filter=f"name='{escaped}'")]
        return sorted(versions, key=lambda v: v.number)

    def run(self, run_id: str) -> MlflowRun | None:
        """The run a version came from; None when it no longer exists."""
        if not run_id:
            return None
        try:
            data = self._get("runs/get", run_id=run_id)["run"]
        except MlflowError as error:
            if str(error).startswith(("404", "400")):  # deleted, or never was
                return None
            raise
        run_data = data.get("data", {})
        tags = _tags(run_data.get("tags"))
        inputs = tuple(
            DatasetInput(name=ds.get("name", ""), digest=ds.get("digest", ""),
                         source_type=ds.get("source_type", ""), source=ds.get("source", ""),
                         context=_tags(item.get("tags")).get("mlflow.data.context", ""))
            for item in data.get("inputs", {}).get("dataset_inputs", [])
            for ds in [item.get("dataset", {})])
        return MlflowRun(
            run_id=run_id, user=data.get("info", {}).get("user_id", "") or tags.get("mlflow.user", ""),
            metrics={m["key"]: m["value"] for m in run_data.get("metrics", [])},
            params={p["key"]: p.get("value", "") for p in run_data.get("params", [])},
            tags=tags, inputs=inputs, experiment_id=str(data.get("info", {}).get("experiment_id", "")))
