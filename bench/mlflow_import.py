"""How long `manage.py import_mlflow` takes for a registry of `--models` x `--versions`.

    MLFLOW_BIN=.venv-mlflow/bin/mlflow .venv/bin/python bench/mlflow_import.py [--models 200] [--versions 5]

Starts `mlflow server` on a fresh SQLite store, fills it through MLflow's REST API (per
version: a run with three metrics and two params, then the version from it), migrates a fresh
SQLite database for Almanac with one team, its lead and a project, then times the import
twice: the first creates everything, the second (idempotent) finds everything unchanged.
Prints both times and the summaries. Temp files and the server are removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def call(url: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(f"{url}/api/2.0/mlflow/{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"{}")


def fill(url: str, models: int, versions: int) -> None:
    experiment = call(url, "experiments/create", {"name": "bench"})["experiment_id"]

    def one_model(i: int) -> None:
        name = f"bench-model-{i:04d}"
        call(url, "registered-models/create", {"name": name, "description": f"Model {i}.",
                                               "tags": [{"key": "task", "value": "classification"}]})
        for n in range(versions):
            now = int(time.time() * 1000)
            run = call(url, "runs/create", {"experiment_id": experiment, "start_time": now})
            run_id = run["run"]["info"]["run_id"]
            call(url, "runs/log-batch", {"run_id": run_id, "metrics": [
                {"key": k, "value": 0.5 + n / 100, "timestamp": now, "step": 0}
                for k in ("auc", "f1", "loss")],
                "params": [{"key": "depth", "value": str(n)}, {"key": "lr", "value": "0.1"}]})
            call(url, "model-versions/create", {"name": name, "source": f"s3://models/{name}/{n + 1}",
                                                "run_id": run_id})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one_model, range(models)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--versions", type=int, default=5)
    args = parser.parse_args()
    mlflow = os.environ.get("MLFLOW_BIN") or str(Path(sys.executable).parent / "mlflow")
    tmp = Path(tempfile.mkdtemp(prefix="almanac-mlflow-bench-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [mlflow, "server", "--backend-store-uri", f"sqlite:///{tmp / 'mlflow.db'}", "--default-artifact-root",
         str(tmp / "artifacts"), "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=open(tmp / "mlflow.log", "w"))  # noqa: SIM115
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/health", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        started = time.monotonic()
        fill(url, args.models, args.versions)
        print(f"MLflow filled with {args.models} models x {args.versions} versions "
              f"in {time.monotonic() - started:.0f} s")

        os.environ.update(DATABASE_URL=f"sqlite:///{tmp / 'almanac.db'}",
                          DJANGO_SETTINGS_MODULE="config.settings.local")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        from registry.models import Membership, Person, Project, Team

        call_command("migrate", verbosity=0)
        team = Team.objects.create(slug="bench", name="Bench")
        lead = Person.objects.create(username="bench-lead")
        Membership.objects.create(team=team, person=lead, level="lead")
        Project.objects.create(slug="bench", name="Bench", team=team)
        for attempt in ("first", "second"):
            started = time.monotonic()
            call_command("import_mlflow", "--tracking-uri", url, "--project", "bench")
            print(f"{attempt} import: {time.monotonic() - started:.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
