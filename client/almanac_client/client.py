"""`Almanac`: typed methods over Almanac's REST API v1, standard library only.

Configuration comes from the arguments or from `ALMANAC_URL` (the server, e.g.
`http://127.0.0.1:8000`; `/api/v1` is added) and `ALMANAC_TOKEN` (a token from
`/people/me/tokens/` or `manage.py create_api_token`).

Retries: a 429 or a 5xx answer, or a connection that fails, is retried up to `retries` times,
waiting what the answer's `Retry-After` says (seconds or an HTTP date, capped at
`max_retry_after`) or else an exponential backoff with jitter from `backoff` seconds. Writes
are safe to retry: the server throttles before doing anything, and every write is one database
transaction, so a 5xx leaves nothing behind.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from almanac_client import __version__
from almanac_client.errors import ConfigurationError, TransportError, error_for
from almanac_client.types import (
    Dataset,
    DatasetVersion,
    Gate,
    Lineage,
    Model,
    ModelVersion,
    Page,
    Record,
    SearchHit,
    Transition,
)

T = TypeVar("T")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
Params = Mapping[str, Any]
LineageLike = Lineage | Mapping[str, str] | str


def _quote(part: str | int) -> str:
    return urllib.parse.quote(str(part), safe="@")


def _query(params: Params | None) -> str:
    if not params:
        return ""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple | set) else [value]
        pairs += [(key, str(v).lower() if isinstance(v, bool) else str(v)) for v in values]
    return "?" + urllib.parse.urlencode(pairs) if pairs else ""


def _lineage(items: Iterable[LineageLike]) -> list[dict[str, str]]:
    out = []
    for item in items:
        if isinstance(item, str):
            item = Lineage.parse(item)
        out.append(item.as_json() if isinstance(item, Lineage) else dict(item))
    return out


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


class Almanac:
    """A client of one Almanac server, as the person the token belongs to."""

    def __init__(self, url: str | None = None, token: str | None = None, *, timeout: float = 30.0,
                 retries: int = 4, backoff: float = 0.5, max_backoff: float = 30.0,
                 max_retry_after: float = 300.0, sleep: Callable[[float], None] = time.sleep) -> None:
        url = url or os.environ.get("ALMANAC_URL", "")
        if not url:
            raise ConfigurationError("Say which server: ALMANAC_URL=http://host:port (or url=...).")
        url = url.rstrip("/")
        if not url.endswith("/api/v1"):
            url += "/api/v1"
        self.base_url = url
        self.token = token if token is not None else os.environ.get("ALMANAC_TOKEN") or None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self._sleep = sleep

    def __repr__(self) -> str:  # never shows the token
        return f"Almanac({self.base_url!r})"

    # --- transport -----------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: Params | None = None,
                body: Any = None, idempotency_key: str | None = None) -> Any:
        """Send one request (retrying as the module says) and return its JSON body, or None.

        `idempotency_key` goes in an `Idempotency-Key` header, the same on every retry: a
        server that keeps them answers a registration it already has with the stored one."""
        url = f"{self.base_url}/{path.lstrip('/')}{_query(params)}"
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/json", "User-Agent": f"almanac-client/{__version__}"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return self._decode(response.read())
            except urllib.error.HTTPError as error:
                status, payload = error.code, self._decode(error.read(), lenient=True)
                wait = _retry_after(error.headers.get("Retry-After"))
                error.close()
                if status not in RETRY_STATUSES or attempt >= self.retries:
                    raise error_for(status, payload, method=method, url=url) from None
            except (urllib.error.URLError, OSError) as error:
                if attempt >= self.retries:
                    reason = getattr(error, "reason", error)
                    raise TransportError(f"{method} {url}: {reason}") from error
                wait = None
            self._sleep(self._wait(attempt, wait))
            attempt += 1

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        delay = min(self.backoff * 2 ** attempt, self.max_backoff)
        return delay * (0.5 + random.random() / 2)

    @staticmethod
    def _decode(raw: bytes, *, lenient: bool = False) -> Any:
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            if lenient:
                return raw.decode(errors="replace")
            raise

    def _page(self, path: str, build: Callable[[dict[str, Any]], T], params: Params | None) -> Page[T]:
        data = self.request("GET", path, params=params)
        return Page(results=[build(item) for item in data.get("results", [])], count=data.get("count", 0),
                    next=data.get("next"), previous=data.get("previous"), raw=data)

    def _all(self, path: str, build: Callable[[dict[str, Any]], T], params: Params | None) -> Iterator[T]:
        page_number = 1
        while True:
            page = self._page(path, build, {**(params or {}), "page": page_number, "page_size": 200})
            yield from page.results
            if not page.next:
                return
            page_number += 1

    # --- datasets ------------------------------------------------------------------------
    def datasets(self, **filters: Any) -> Page[Dataset]:
        """One page of the catalog; filters as the API's (tag=, team=, sensitivity=, page=...)."""
        return self._page("datasets/", Dataset.from_api, filters)

    def dataset(self, slug: str) -> Dataset:
        return Dataset.from_api(self.request("GET", f"datasets/{_quote(slug)}/"))

    def create_dataset(self, *, slug: str, name: str, team: str, **fields: Any) -> Dataset:
        """Register a dataset; `fields` as the API's (source_uri=, format=, sensitivity=, tags=[...])."""
        body = {"slug": slug, "name": name, "team": team, **fields}
        return Dataset.from_api(self.request("POST", "datasets/", body=body))

    def dataset_versions(self, dataset: str, **filters: Any) -> Page[DatasetVersion]:
        return self._page(f"datasets/{_quote(dataset)}/versions/", DatasetVersion.from_api, filters)

    def dataset_version(self, dataset: str, label: str) -> DatasetVersion:
        return DatasetVersion.from_api(
            self.request("GET", f"datasets/{_quote(dataset)}/versions/{_quote(label)}/"))

    def register_dataset_version(
        self, dataset: str, label: str, *, released_on: str | None = None, row_count: int | None = None,
        size_bytes: int | None = None, checksum: str | None = None, location: str | None = None,
        notes: str | None = None,
    ) -> DatasetVersion:
        body = {"label": label, "released_on": released_on, "row_count": row_count,
                "size_bytes": size_bytes, "checksum": checksum, "location": location, "notes": notes}
        return DatasetVersion.from_api(self.request(
            "POST", f"datasets/{_quote(dataset)}/versions/", idempotency_key=str(uuid.uuid4()),
            body={key: value for key, value in body.items() if value is not None}))

    # --- models and versions -----------------------------------------------------------
    def models(self, **filters: Any) -> Page[Model]:
        return self._page("models/", Model.from_api, filters)

    def model(self, slug: str) -> Model:
        return Model.from_api(self.request("GET", f"models/{_quote(slug)}/"))

    def create_model(self, *, slug: str, name: str, task: str, project: str, **fields: Any) -> Model:
        body = {"slug": slug, "name": name, "task": task, "project": project, **fields}
        return Model.from_api(self.request("POST", "models/", body=body))

    def model_versions(self, model: str, **filters: Any) -> Page[ModelVersion]:
        return self._page(f"models/{_quote(model)}/versions/", ModelVersion.from_api, filters)

    def model_version(self, model: str, version: int | str) -> ModelVersion:
        """A version by number, or by alias: `model_version("fraud-scorer", "@champion")`."""
        return ModelVersion.from_api(
            self.request("GET", f"models/{_quote(model)}/versions/{_quote(version)}/"))

    def register_model_version(
        self, model: str, *, number: int | None = None, status: str | None = None,
        metrics: Mapping[str, Any] | None = None, params: Mapping[str, Any] | None = None,
        tags: Mapping[str, Any] | None = None, lineage: Iterable[LineageLike] = (),
        run_id: str | None = None, source_uri: str | None = None, code_revision: str | None = None,
        artifact_uri: str | None = None, trained_by: str | None = None, notes: str | None = None,
    ) -> ModelVersion:
        """Register a version (the next number unless given) with its metrics and lineage.

        Lineage items: `Lineage(...)`, `{"dataset":, "version":, "use":}` or "dataset@label[:use]".
        Only what is given is sent.
        """
        body: dict[str, Any] = {
            "number": number, "status": status, "run_id": run_id, "source_uri": source_uri,
            "code_revision": code_revision, "artifact_uri": artifact_uri, "trained_by": trained_by,
            "notes": notes,
            "metrics": dict(metrics) if metrics is not None else None,
            "params": dict(params) if params is not None else None,
            "tags": dict(tags) if tags is not None else None,
        }
        body = {key: value for key, value in body.items() if value is not None}
        items = _lineage(lineage)
        if items:
            body["lineage"] = items
        return ModelVersion.from_api(self.request("POST", f"models/{_quote(model)}/versions/", body=body,
                                                  idempotency_key=str(uuid.uuid4())))

    def set_status(self, model: str, number: int, status: str) -> ModelVersion:
        """Move a version to candidate, staging, production (gated) or archived."""
        return ModelVersion.from_api(self.request(
            "PATCH", f"models/{_quote(model)}/versions/{number}/", body={"status": status}))

    def search_versions(self, filters: Params | None = None, **more: Any) -> Page[ModelVersion]:
        """Model versions across models (`GET /model-versions/`), filtered as the API says; names
        that are not Python words go in `filters`: `{"tag.team": "risk", "metric.auc__gte": 0.9}`."""
        return self._page("model-versions/", ModelVersion.from_api, {**(filters or {}), **more})

    def iter_versions(self, filters: Params | None = None, **more: Any) -> Iterator[ModelVersion]:
        """Every matching version, page after page."""
        return self._all("model-versions/", ModelVersion.from_api, {**(filters or {}), **more})

    def compare(self, model: str, versions: Iterable[int]) -> Record:
        """Versions side by side: metrics, params, lineage."""
        numbers = ",".join(str(v) for v in versions)
        return Record(self.request("GET", f"models/{_quote(model)}/compare/", params={"versions": numbers}))

    def set_alias(self, model: str, alias: str, version: int, *, serving: bool | None = None) -> Record:
        """Point `alias` (champion, challenger...) at a version; a `serving` alias (one a serving
        job reads) only at a version that passes the promotion gate."""
        body: dict[str, Any] = {"version": version}
        if serving is not None:
            body["serving"] = serving
        return Record(self.request("PUT", f"models/{_quote(model)}/aliases/{_quote(alias)}/",
                                   body=body) or {})

    def delete_alias(self, model: str, alias: str) -> None:
        self.request("DELETE", f"models/{_quote(model)}/aliases/{_quote(alias)}/")

    def post_monitoring(self, model: str, number: int, *, metric: str, value: float, threshold: float,
                        observed_at: str | None = None, direction: str | None = None,
                        **fields: Any) -> Record:
        """Record a metric observed in production (now, unless `observed_at`); past its threshold
        (`direction` "above", the default, or "below") it is a breach: drift."""
        when = observed_at or datetime.now(UTC).isoformat(timespec="seconds")
        body = {"metric": metric, "value": value, "threshold": threshold, "observed_at": when,
                "direction": direction, **fields}
        return Record(self.request(
            "POST", f"models/{_quote(model)}/versions/{number}/monitoring/",
            body={key: v for key, v in body.items() if v is not None}))

    # --- projects: stages and gates -------------------------------------------------------
    def gate(self, project: str, stage: str) -> Gate:
        """What `project` needs (written, approved) to enter `stage`."""
        return Gate.from_api(self.request("GET", f"projects/{_quote(project)}/gates/{_quote(stage)}/"))

    def move_stage(self, project: str, stage: str, *, note: str = "",
                   override_reason: str | None = None) -> Transition:
        """Move a project; a gate refusal is a `Conflict` whose `body["unmet"]` lists what is missing."""
        body: dict[str, Any] = {"stage": stage, "note": note}
        if override_reason:
            body["override_reason"] = override_reason
        return Transition.from_api(self.request("POST", f"projects/{_quote(project)}/transitions/",
                                                body=body))

    # --- search and lineage intake --------------------------------------------------------
    def search(self, q: str = "", *, type: str | Iterable[str] | None = None, **filters: Any
               ) -> Page[SearchHit]:
        """Projects, datasets, models and pages you may see (`GET /search/`)."""
        kinds = [type] if isinstance(type, str) else list(type or [])
        data = self.request("GET", "search/", params={"q": q, "type": kinds or None, **filters})
        return Page(results=[SearchHit.from_api(hit) for hit in data.get("results", [])],
                    count=data.get("count", 0), raw=data)

    def post_openlineage(self, event: Mapping[str, Any]) -> Record:
        """Send an OpenLineage run event (`POST /lineage/openlineage/`)."""
        return Record(self.request("POST", "lineage/openlineage/", body=dict(event)))
