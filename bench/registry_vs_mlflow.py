"""Almanac's model registry API against an MLflow tracking server's, on this machine.

    .venv/bin/pip install -e '.[bench]'        # mlflow, httpx
    .venv/bin/python bench/registry_vs_mlflow.py [--workers 4] [--clients 8] [--models 200]
                                                 [--versions 5] [--searches 500] [--rounds 3]

MLflow pins versions of packages Almanac also uses (gunicorn among them), so it may live in a
virtualenv of its own: run the bench with that one's python and name Almanac's:

    python3 -m venv /tmp/mlflow-venv && /tmp/mlflow-venv/bin/pip install 'mlflow>=2.14,<4' httpx
    /tmp/mlflow-venv/bin/python bench/registry_vs_mlflow.py --almanac-python .venv/bin/python

Both run on SQLite (a fresh file each, WAL mode for Almanac as in its settings; MLflow's
default SQLAlchemy store), both with the same number of worker processes, on loopback ports:
Almanac under gunicorn (`config.wsgi`, production settings, a throwaway SECRET_KEY, throttle
raised through API_THROTTLE_USER), MLflow with `mlflow server --workers N`.

The same work through each REST API, from `--clients` threads:
- registration: per model, create it with two tags then `--versions` versions, each with a
  tag/metric. Almanac: POST /api/v1/models/ (task and framework are its tags), then POST
  /api/v1/models/<slug>/versions/ with metrics; MLflow: POST registered-models/create with
  tags, then POST model-versions/create with a tag.
- searches, half by name and half by tag, 50 results a page. Almanac: GET
  /api/v1/models/?q=<name part> and ?framework=<value>; MLflow: GET registered-models/search
  with `name LIKE '%<name part>%'` and `tags.framework = '<value>'`.
- aliases: per model, set `champion` on its newest version, then read the version it names.
  Almanac: PUT /api/v1/models/<slug>/aliases/champion/, GET /api/v1/models/<slug>/versions/
  @champion/; MLflow: POST registered-models/alias, GET registered-models/alias.
- version searches across models, half by tag and half by metric, 50 results a page. Almanac:
  GET /api/v1/model-versions/?tag.stage=<value> and ?metric.auc__gte=<bound>&sort=-metric.auc;
  MLflow: GET model-versions/search with `tags.stage = '<value>'`, and, as MLflow keeps no
  metrics on a model version (they are its run's), `tags.auc LIKE '<prefix>%'` on the tag
  the registration wrote the metric into: the nearest query it answers.
Almanac authenticates with a Bearer token of a team member (not staff: the permission filter
is paid). Both servers are started and warmed up (reads spread over their workers), and the
clock starts only once the machine is quiet: MLflow's job runner spends tens of CPU-seconds
booting its consumers after /health answers, and a server measured meanwhile loses half the
machine. Then `--rounds` rounds: each registers a fresh set of models (names and framework
tags carry the round, so each round's searches match the same number of them) and runs the
searches, the two servers taking turns (Almanac first in odd rounds, MLflow first in even
ones), so a machine whose speed drifts, as a shared host's does by a third from minute to
minute, slows both alike. Prints every round, then per server the median requests/s over the rounds and
p50/p95 over every request, and the ratios of the medians and of every round against the goals
(registration x3, model search x4, aliases and version search x3). Servers and temp files are
removed at the end, also on failure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")  # Almanac's (--almanac-python)
BIN = Path(sys.executable).parent  # mlflow's, beside the python running the bench
FRAMEWORKS = ["torch", "sklearn", "xgboost", "lightgbm", "jax"]
STAGES = ["shadow", "canary", "ab", "full"]
PHASES = {"register": ("registration", 3.0), "search": ("model search", 4.0),
          "alias": ("alias set+get", 3.0), "versions": ("version search", 3.0)}
TASKS = ["classification", "regression", "ranking", "forecasting"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, *, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {timeout:.0f}s")


def cpu_busy_fraction(seconds: float = 1.0) -> float:
    """Share of this machine's CPU time spent busy over `seconds` (Linux /proc/stat)."""
    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait
    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(total1 - total0, 1)


def wait_until_quiet(*, busy_below: float = 0.15, timeout: float = 180.0) -> None:
    """A server is measured only once it (and everything it started: MLflow's job-runner
    consumers take tens of CPU-seconds to boot) has settled, and nothing else is running."""
    deadline = time.monotonic() + timeout
    busy = 1.0
    while time.monotonic() < deadline:
        busy = cpu_busy_fraction()
        if busy < busy_below:
            return
    print(f"  (machine still {busy:.0%} busy after {timeout:.0f}s; measuring anyway)", file=sys.stderr)


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # the server and its workers: its own process group
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- the two servers -----------------------------------------------------------------------
def almanac_env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": f"sqlite:///{tmp / 'almanac.sqlite3'}",
            "SECRET_KEY": "bench-throwaway-" + os.urandom(16).hex(), "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false", "API_THROTTLE_USER": "10000000/min", "LOG_LEVEL": "WARNING"}


SETUP = """
from accounts.services import api_token_create
from registry.models import Membership, Person, Project, Team
team = Team.objects.create(slug="bench", name="Bench")
person = Person.objects.create_user(username="bench", password=None)
Membership.objects.create(team=team, person=person, level="member")
Project.objects.create(slug="bench", name="Bench", team=team)
print(api_token_create(user=person, name="bench")[1])
"""


def start_almanac(tmp: Path, port: int, workers: int) -> tuple[subprocess.Popen, str]:
    env = almanac_env(tmp)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    token = subprocess.run([PYTHON, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True).stdout.strip().splitlines()[-1]
    process = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=open(tmp / "almanac.log", "w"))  # noqa: SIM115
    wait_until_up(f"http://127.0.0.1:{port}/api/schema/")
    return process, token


def start_mlflow(tmp: Path, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "mlflow"), "server", "--backend-store-uri", f"sqlite:///{tmp / 'mlflow.db'}",
         "--default-artifact-root", str(tmp / "artifacts"), "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        cwd=tmp, env={**os.environ, "MLFLOW_LOGGING_LEVEL": "WARNING"}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=open(tmp / "mlflow.log", "w"))  # noqa: SIM115
    wait_until_up(f"http://127.0.0.1:{port}/health")
    return process


# --- the work ------------------------------------------------------------------------------
class Timer:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0

    def call(self, send: Callable[[], httpx.Response], ok: tuple[int, ...]) -> httpx.Response:
        start = time.perf_counter()
        response = send()
        self.latencies.append(time.perf_counter() - start)
        if response.status_code not in ok:
            self.errors += 1
            if self.errors <= 3:
                print(f"  unexpected {response.status_code}: {response.text[:200]}", file=sys.stderr)
        return response


def run(label: str, jobs: list[Callable[[httpx.Client, Timer], None]],
        client_factory: Callable[[], httpx.Client], clients: int) -> dict[str, float]:
    timers = [Timer() for _ in range(clients)]
    pools = [client_factory() for _ in range(clients)]

    def worker(index: int) -> None:
        for job in jobs[index::clients]:
            job(pools[index], timers[index])

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as executor:
        list(executor.map(worker, range(clients)))
    elapsed = time.perf_counter() - start
    for pool in pools:
        pool.close()
    latencies = sorted(t for timer in timers for t in timer.latencies)
    errors = sum(timer.errors for timer in timers)
    result = {"requests": len(latencies), "seconds": elapsed, "rps": len(latencies) / elapsed,
              **percentiles(latencies), "errors": errors, "latencies": latencies}
    print(f"  {label:<36} {result['requests']:>5} requests in {elapsed:6.2f}s  "
          f"{result['rps']:8.1f} req/s  p50 {result['p50']:6.1f} ms  p95 {result['p95']:6.1f} ms"
          f"  errors {errors}")
    return result


def percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {"p50": statistics.median(ordered) * 1000,
            "p95": ordered[int(0.95 * (len(ordered) - 1))] * 1000}


def warm_up(client_factory: Callable[[], httpx.Client], path: str, *, requests: int,
            clients: int) -> None:
    """Reads spread over every worker, so each has imported its code and opened its database
    before the clock starts."""
    def read(_: int) -> None:
        with client_factory() as client:
            client.get(path).raise_for_status()
    with ThreadPoolExecutor(max_workers=clients) as executor:
        list(executor.map(read, range(requests)))


def almanac_jobs(models: int, versions: int, searches: int, prefix: str) -> tuple[list, list]:
    def register(i: int) -> Callable[[httpx.Client, Timer], None]:
        def job(client: httpx.Client, timer: Timer) -> None:
            slug = f"{prefix}bench-model-{i:03d}"
            timer.call(lambda: client.post("/api/v1/models/", json={
                "slug": slug, "name": slug, "task": TASKS[i % len(TASKS)], "project": "bench",
                "framework": prefix + FRAMEWORKS[i % len(FRAMEWORKS)]}), (201,))
            for v in range(versions):
                timer.call(lambda v=v: client.post(f"/api/v1/models/{slug}/versions/", json={
                    "metrics": {"auc": auc(i, v)}, "tags": {"stage": prefix + STAGES[(i + v) % len(STAGES)]},
                    "artifact_uri": f"s3://bench/{slug}/{v + 1}/"}), (201,))
        return job

    def search(i: int) -> Callable[[httpx.Client, Timer], None]:
        if i % 2:
            params = {"framework": prefix + FRAMEWORKS[i % len(FRAMEWORKS)], "page_size": 50}
        else:
            params = {"q": f"{prefix}bench-model-{i % models:03d}"[:-1], "page_size": 50}
        return lambda client, timer: timer.call(lambda: client.get("/api/v1/models/", params=params), (200,))

    def alias(i: int) -> Callable[[httpx.Client, Timer], None]:
        slug = f"{prefix}bench-model-{i:03d}"

        def job(client: httpx.Client, timer: Timer) -> None:
            timer.call(lambda: client.put(f"/api/v1/models/{slug}/aliases/champion/",
                                          json={"version": versions}), (200,))
            timer.call(lambda: client.get(f"/api/v1/models/{slug}/versions/@champion/"), (200,))
        return job

    def version_search(i: int) -> Callable[[httpx.Client, Timer], None]:
        if i % 2:
            params = {"tag.stage": prefix + STAGES[i % len(STAGES)], "page_size": 50}
        else:
            params = {"metric.auc__gte": AUC_BOUNDS[i % len(AUC_BOUNDS)], "sort": "-metric.auc",
                      "page_size": 50}
        return lambda client, timer: timer.call(
            lambda: client.get("/api/v1/model-versions/", params=params), (200,))

    return {"register": [register(i) for i in range(models)],
            "search": [search(i) for i in range(searches)],
            "alias": [alias(i) for i in range(models)],
            "versions": [version_search(i) for i in range(searches)]}


# A version's AUC: 0.800 to 0.899 by model and version, so a bound or a prefix picks a tenth.
AUC_BOUNDS = ["0.89", "0.88", "0.87", "0.86", "0.85"]


def auc(i: int, v: int) -> float:
    return round(0.8 + ((i * 7 + v * 13) % 100) / 1000, 3)


def mlflow_jobs(models: int, versions: int, searches: int, prefix: str) -> tuple[list, list]:
    api = "/api/2.0/mlflow"

    def register(i: int) -> Callable[[httpx.Client, Timer], None]:
        def job(client: httpx.Client, timer: Timer) -> None:
            name = f"{prefix}bench-model-{i:03d}"
            timer.call(lambda: client.post(f"{api}/registered-models/create", json={
                "name": name, "tags": [{"key": "task", "value": TASKS[i % len(TASKS)]},
                                       {"key": "framework",
                                        "value": prefix + FRAMEWORKS[i % len(FRAMEWORKS)]}]}),
                (200,))
            for v in range(versions):
                timer.call(lambda v=v: client.post(f"{api}/model-versions/create", json={
                    "name": name, "source": f"s3://bench/{name}/{v + 1}/",
                    "tags": [{"key": "auc", "value": f"{auc(i, v):.3f}"},
                             {"key": "stage", "value": prefix + STAGES[(i + v) % len(STAGES)]}]}),
                    (200,))
        return job

    def search(i: int) -> Callable[[httpx.Client, Timer], None]:
        if i % 2:
            flt = f"tags.framework = '{prefix}{FRAMEWORKS[i % len(FRAMEWORKS)]}'"
        else:
            flt = f"name LIKE '%{f'{prefix}bench-model-{i % models:03d}'[:-1]}%'"
        params = {"filter": flt, "max_results": 50}
        return lambda client, timer: timer.call(
            lambda: client.get(f"{api}/registered-models/search", params=params), (200,))

    def alias(i: int) -> Callable[[httpx.Client, Timer], None]:
        name = f"{prefix}bench-model-{i:03d}"

        def job(client: httpx.Client, timer: Timer) -> None:
            timer.call(lambda: client.post(f"{api}/registered-models/alias", json={
                "name": name, "alias": "champion", "version": str(versions)}), (200,))
            timer.call(lambda: client.get(f"{api}/registered-models/alias",
                                          params={"name": name, "alias": "champion"}), (200,))
        return job

    def version_search(i: int) -> Callable[[httpx.Client, Timer], None]:
        if i % 2:
            flt = f"tags.stage = '{prefix}{STAGES[i % len(STAGES)]}'"
        else:
            flt = f"tags.auc LIKE '{AUC_BOUNDS[i % len(AUC_BOUNDS)]}%'"
        params = {"filter": flt, "max_results": 50}
        return lambda client, timer: timer.call(
            lambda: client.get(f"{api}/model-versions/search", params=params), (200,))

    return {"register": [register(i) for i in range(models)],
            "search": [search(i) for i in range(searches)],
            "alias": [alias(i) for i in range(models)],
            "versions": [version_search(i) for i in range(searches)]}


def main() -> None:
    global PYTHON
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="worker processes of each server")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--searches", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of every phase, Almanac and MLflow taking turns")
    parser.add_argument("--almanac-python", default=PYTHON,
                        help="the python of Almanac's virtualenv (with gunicorn beside it)")
    args = parser.parse_args()
    PYTHON = args.almanac_python
    for name, value in vars(args).items():
        if name != "almanac_python" and not 1 <= value <= 10_000:
            parser.error(f"--{name} must be between 1 and 10000")

    tmp = Path(tempfile.mkdtemp(prefix="almanac-bench-"))
    servers: list[subprocess.Popen] = []
    results: dict[str, dict[str, list[dict]]] = {
        name: {phase: [] for phase in PHASES} for name in ("Almanac", "MLflow")}
    try:
        print(f"SQLite for both; {args.workers} workers each; {args.clients} client threads; "
              f"{args.rounds} rounds of {args.models} models x {args.versions} versions and "
              f"{args.searches} searches, Almanac and MLflow taking turns; "
              f"MLflow {metadata.version('mlflow')}")  # its speed differs much between releases
        systems = {}
        for name in ("Almanac", "MLflow"):
            port = free_port()
            if name == "Almanac":
                process, token = start_almanac(tmp, port, args.workers)
                headers, jobs, warm_path = ({"Authorization": f"Bearer {token}"}, almanac_jobs,
                                            "/api/v1/models/")
            else:
                process = start_mlflow(tmp, port, args.workers)
                headers, jobs, warm_path = {}, mlflow_jobs, "/api/2.0/mlflow/registered-models/search"
            servers.append(process)

            def factory(port: int = port, headers: dict[str, str] = headers) -> httpx.Client:
                return httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60, headers=headers)

            warm_up(factory, warm_path, requests=8 * args.workers, clients=args.clients)
            systems[name] = (jobs, factory)
        wait_until_quiet()
        for round_ in range(1, args.rounds + 1):
            # taking turns, first one then the other first: a machine whose speed drifts
            # (a shared host) slows both alike
            order = ["Almanac", "MLflow"] if round_ % 2 else ["MLflow", "Almanac"]
            for phase, (title, _) in PHASES.items():
                for name in order:
                    jobs, factory = systems[name]
                    work = jobs(args.models, args.versions, args.searches, f"r{round_}-")[phase]
                    results[name][phase].append(run(f"round {round_} {name} {title}", work, factory,
                                                    args.clients))
        print("Medians over the rounds; latencies over every request")
        summary = {name: {phase: {"rps": statistics.median(r["rps"] for r in runs),
                                  **percentiles([t for r in runs for t in r["latencies"]]),
                                  "errors": sum(r["errors"] for r in runs)}
                          for phase, runs in phases.items()} for name, phases in results.items()}
        for name, phases in summary.items():
            for phase, m in phases.items():
                print(f"  {name:<8} {phase:<9} {m['rps']:8.1f} req/s  p50 {m['p50']:6.1f} ms  "
                      f"p95 {m['p95']:6.1f} ms  errors {m['errors']}")
        print("Almanac / MLflow (the goal holds in every round, not only the median)")
        for phase, (title, goal) in PHASES.items():
            a, m = summary["Almanac"][phase], summary["MLflow"][phase]
            ratio = a["rps"] / m["rps"]
            rounds = [x["rps"] / y["rps"] for x, y in zip(results["Almanac"][phase],
                                                           results["MLflow"][phase], strict=True)]
            print(f"  {title:<15} throughput x{ratio:5.2f} (goal x{goal}; rounds "
                  f"{', '.join(f'x{r:.2f}' for r in rounds)})  p50 {a['p50']:.1f} vs {m['p50']:.1f} ms  "
                  f"p95 {a['p95']:.1f} vs {m['p95']:.1f} ms  {'met' if min(rounds) >= goal else 'MISSED'}")
    finally:
        for process in servers:
            stop(process)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
