"""Retries against a tiny local HTTP server that answers from a script: 429 with Retry-After,
5xx, then 200. The same server checks the requests of the methods whose endpoints other parts
add (aliases, version search, compare, monitoring): the live-server tests cover the rest."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from almanac_client import Almanac, RateLimited, ServerError


class Scripted(BaseHTTPRequestHandler):
    script: list[tuple[int, dict[str, str], dict]] = []
    seen: list[tuple[str, str, bytes]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.seen.append((self.command, self.path, self.rfile.read(length)))
        if self.headers.get("Idempotency-Key") and hasattr(self, "headers_seen"):
            self.headers_seen.append(self.headers["Idempotency-Key"])
        status, headers, body = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        payload = b"" if status == 204 else json.dumps(body).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[type[Scripted]]:
    handler = type("Handler", (Scripted,), {"script": [], "seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{httpd.server_port}"
    yield handler
    httpd.shutdown()
    httpd.server_close()


THROTTLED = (429, {"Retry-After": "7"}, {"detail": "Request was throttled. Expected available in 7 seconds.",
                                         "errors": {}})
VERSION = {"model": "scorer", "number": 3, "status": "candidate", "metrics": {"auc": 0.9}, "lineage": []}


def test_a_429_waits_what_retry_after_says_then_succeeds(server):
    server.script += [THROTTLED, (200, {}, VERSION)]
    waits: list[float] = []

    client = Almanac(server.url, "t", sleep=waits.append)
    version = client.register_model_version("scorer", metrics={"auc": 0.9})

    assert version.number == 3
    assert waits == [7.0]
    assert [(method, path) for method, path, _ in server.seen] == [
        ("POST", "/api/v1/models/scorer/versions/")] * 2
    assert all(json.loads(body) == {"metrics": {"auc": 0.9}} for _, _, body in server.seen)


def test_5xx_backs_off_exponentially(server):
    server.script += [(503, {}, {"detail": "down"}), (502, {}, {"detail": "down"}), (200, {}, VERSION)]
    waits: list[float] = []

    Almanac(server.url, "t", backoff=1.0, sleep=waits.append).model_version("scorer", 3)

    assert len(waits) == 2
    assert 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0


def test_retries_end_with_the_last_answer_as_an_exception(server):
    server.script += [THROTTLED]
    waits: list[float] = []

    with pytest.raises(RateLimited) as error:
        Almanac(server.url, "t", retries=2, sleep=waits.append).models()

    assert waits == [7.0, 7.0] and len(server.seen) == 3
    assert error.value.body["detail"].startswith("Request was throttled")

    server.script[:] = [(500, {}, {"detail": "Server error.", "errors": {}})]
    with pytest.raises(ServerError) as error:
        Almanac(server.url, "t", retries=0).models()
    assert error.value.status == 500


def test_a_retry_after_date_and_a_cap(server):
    server.script += [(429, {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}, {"detail": "x"}),
                      (200, {}, VERSION)]
    waits: list[float] = []

    Almanac(server.url, "t", max_retry_after=60, sleep=waits.append).model_version("scorer", 3)

    assert waits == [60]


def test_the_methods_for_aliases_search_compare_and_monitoring_send_what_the_api_takes(server):
    server.script += [(200, {}, {"model": "scorer", "alias": "champion", "version": 3}), (204, {}, {}),
                      (200, {}, VERSION), (200, {}, {"count": 1, "next": None, "results": [VERSION]}),
                      (200, {}, {"model": "scorer", "versions": []}), (201, {}, {"breached": True}),
                      (200, {}, VERSION)]
    client = Almanac(server.url, "t")

    assert client.set_alias("scorer", "champion", 3, serving=True)["version"] == 3
    assert client.delete_alias("scorer", "champion") is None
    assert client.model_version("scorer", "@champion").number == 3
    found = client.search_versions({"tag.team": "risk", "metric.auc__gte": 0.9}, status="production")
    assert [v.number for v in found.results] == [3]
    client.compare("scorer", [3, 4])
    assert client.post_monitoring("scorer", 3, metric="psi", value=0.27, threshold=0.2,
                                  observed_at="2026-11-20T08:00:00+00:00")["breached"]
    client.register_model_version("scorer", params={"depth": 6}, tags={"team": "risk"}, run_id="abc",
                                  source_uri="mlflow-artifacts:/1/abc")

    sent = [(method, path, json.loads(body) if body else None) for method, path, body in server.seen]
    assert sent == [
        ("PUT", "/api/v1/models/scorer/aliases/champion/", {"version": 3, "serving": True}),
        ("DELETE", "/api/v1/models/scorer/aliases/champion/", None),
        ("GET", "/api/v1/models/scorer/versions/@champion/", None),
        ("GET", "/api/v1/model-versions/?tag.team=risk&metric.auc__gte=0.9&status=production", None),
        ("GET", "/api/v1/models/scorer/compare/?versions=3%2C4", None),
        ("POST", "/api/v1/models/scorer/versions/3/monitoring/",
         {"metric": "psi", "value": 0.27, "threshold": 0.2, "observed_at": "2026-11-20T08:00:00+00:00"}),
        ("POST", "/api/v1/models/scorer/versions/", {"run_id": "abc", "source_uri": "mlflow-artifacts:/1/abc",
                                                     "params": {"depth": 6}, "tags": {"team": "risk"}}),
    ]


def test_a_retried_registration_carries_the_same_idempotency_key(server):
    server.script += [(503, {}, {"detail": "down"}), (201, {}, VERSION)]
    keys: list[str] = []
    server.headers_seen = keys
    Almanac(server.url, "t", sleep=lambda _: None).register_model_version("scorer")
    assert len(keys) == 2 and keys[0] == keys[1] and len(keys[0]) == 36
