"""`manage.py import_mlflow` against a real `mlflow server` (SQLite store) that the test starts:
models and versions arrive once, changes update, deletions are marked, gates still hold.

Needs the `mlflow` command: MLFLOW_BIN pointing at one (`.ci/run` installs MLflow in
`.venv-mlflow/`, apart from the app's venv, whose lock file MLflow's own pins would move), or
the `mlflow` extra installed in the running venv (`pip install -e '.[mlflow]'`)."""

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from integrations.mlflow import MlflowReader
from integrations.models import MlflowModelLink, MlflowVersionLink
from lifecycle import services as lifecycle
from registry.models import Lineage, MLModel, ModelAlias, ModelVersion
from tests.factories import DatasetVersionFactory


def _mlflow_bin() -> str | None:
    candidates = [os.environ.get("MLFLOW_BIN", ""), str(Path(sys.executable).parent / "mlflow"),
                  shutil.which("mlflow") or ""]
    return next((c for c in candidates if c and Path(c).is_file()), None)


MLFLOW = _mlflow_bin()
pytestmark = pytest.mark.skipif(
    MLFLOW is None, reason="needs the mlflow command: MLFLOW_BIN=/path/to/mlflow (.ci/run installs one "
                           "in .venv-mlflow/), or pip install -e '.[mlflow]'")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mlflow:
    """A client of the test's MLflow server, through the same REST API Almanac reads."""

    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(f"{self.url}/api/2.0/mlflow/{path}", method=method,
                                         data=json.dumps(body or {}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def run(self, experiment_id: str, *, user: str, metrics: dict, params: dict, commit: str,
            inputs: list[dict] = ()) -> str:
        run_id = self.call("POST", "runs/create", {
            "experiment_id": experiment_id, "start_time": int(time.time() * 1000),
            "tags": [{"key": "mlflow.user", "value": user},
                     {"key": "mlflow.source.git.commit", "value": commit}]})["run"]["info"]["run_id"]
        now = int(time.time() * 1000)
        self.call("POST", "runs/log-batch", {
            "run_id": run_id, "metrics": [{"key": k, "value": v, "timestamp": now, "step": 0}
                                          for k, v in metrics.items()],
            "params": [{"key": k, "value": str(v)} for k, v in params.items()]})
        if inputs:
            self.call("POST", "runs/log-inputs", {"run_id": run_id, "datasets": list(inputs)})
        return run_id

    def version(self, name: str, run_id: str, source: str) -> str:
        return self.call("POST", "model-versions/create", {
            "name": name, "source": source, "run_id": run_id})["model_version"]["version"]


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mlflow")
    port = _free_port()
    log = open(tmp / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [MLFLOW, "server", "--backend-store-uri", f"sqlite:///{tmp / 'mlflow.db'}",
         "--default-artifact-root", str(tmp / "artifacts"), "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None:
                    pytest.fail(f"mlflow server exited: {(tmp / 'server.log').read_text()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("mlflow server did not answer /health in 60 s")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def mlflow(mlflow_server, request):
    """The server, with this test's own models (names prefixed by the test's name)."""
    client = Mlflow(mlflow_server)
    client.prefix = request.node.name.replace("_", "-")[:40]
    client.experiment = client.call("POST", "experiments/create", {"name": client.prefix})["experiment_id"]
    return client


def _import(url: str, *args: str) -> str:
    out = io.StringIO()
    call_command("import_mlflow", "--tracking-uri", url, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _only_ours(mlflow) -> None:
    """Other tests' models share the server: delete them from MLflow before importing."""
    for model in MlflowReader(mlflow.url).registered_models():
        if not model.name.startswith(mlflow.prefix):
            mlflow.call("DELETE", "registered-models/delete", {"name": model.name})


@pytest.mark.django_db
def test_importing_twice_duplicates_nothing_and_changes_update(mlflow, project, lead, member, dataset):
    DatasetVersionFactory(dataset=dataset, label="2026.10", checksum="9f2c11ab", created_by=member)
    name = f"{mlflow.prefix}-scorer"
    mlflow.call("POST", "registered-models/create", {
        "name": name, "description": "Scores card transactions.",
        "tags": [{"key": "task", "value": "binary classification"}]})
    run_1 = mlflow.run(mlflow.experiment, user="member", metrics={"auc": 0.91}, params={"depth": 6},
                       commit="4e1d2a7", inputs=[{
                           "tags": [{"key": "mlflow.data.context", "value": "training"}],
                           "dataset": {"name": "transactions", "digest": "9f2c11ab", "source_type": "s3",
                                       "source": "s3://lake/transactions/2026.10"}}])
    run_2 = mlflow.run(mlflow.experiment, user="someone-else", metrics={"auc": 0.93}, params={"depth": 8},
                       commit="5f00b1c")
    mlflow.version(name, run_1, "s3://models/scorer/1")
    mlflow.version(name, run_2, "s3://models/scorer/2")
    mlflow.call("POST", "model-versions/transition-stage",
                {"name": name, "version": "1", "stage": "Staging", "archive_existing_versions": False})
    mlflow.call("POST", "registered-models/alias", {"name": name, "alias": "champion", "version": "1"})
    _only_ours(mlflow)

    first = _import(mlflow.url, "--project", "fraud")

    assert "3 created, 0 updated, 0 unchanged, 0 refused, 0 marked missing" in first
    model = MLModel.objects.get(name=name)
    assert (model.project, model.task, model.description) == (project, "binary classification",
                                                              "Scores card transactions.")
    one, two = model.versions.order_by("number")
    assert (one.number, one.status, one.metrics, one.code_revision, one.artifact_uri) == (
        1, "staging", {"auc": 0.91}, "4e1d2a7", "s3://models/scorer/1")
    assert one.trained_by == member and two.trained_by == lead and one.created_by == lead
    assert list(Lineage.objects.filter(model_version=one).values_list("dataset_version__label", "use")) == [
        ("2026.10", "training")]
    link = MlflowVersionLink.objects.get(name=name, version=1)
    assert (link.run_id, link.params, link.aliases, link.source) == (run_1, {"depth": "6"}, ["champion"],
                                                                     "s3://models/scorer/1")
    assert MlflowModelLink.objects.get(name=name).aliases == {"champion": "1"}
    assert model.tags == {"task": "binary classification"}
    assert (one.params, one.tags, one.run_id, two.params, two.run_id) == (
        {"depth": "6"}, {}, run_1, {"depth": "8"}, run_2)
    assert one.source_uri == f"{mlflow.url}/#/experiments/{mlflow.experiment}/runs/{run_1}"
    champion = ModelAlias.objects.get(model=model, name="champion")
    assert (champion.version, champion.serving) == (one, False)
    assert f"{name}: alias champion set to v1." in first

    second = _import(mlflow.url, "--project", "fraud")
    assert "0 created, 0 updated, 3 unchanged, 0 refused, 0 marked missing" in second
    assert MLModel.objects.count() == 1 and ModelVersion.objects.count() == 2

    lifecycle.model_version_set_status(version=two, status="archived", by=lead)  # decided in Almanac
    assert "0 created, 0 updated, 3 unchanged" in _import(mlflow.url, "--project", "fraud")
    assert ModelVersion.objects.get(pk=two.pk).status == "archived"  # a stage nobody moved undoes nothing

    mlflow.call("POST", "model-versions/set-tag", {"name": name, "version": "2", "key": "reviewed",
                                                   "value": "yes"})
    mlflow.call("PATCH", "registered-models/update", {"name": name, "description": "Scores cards."})
    mlflow.call("DELETE", "model-versions/delete", {"name": name, "version": "1"})
    third = _import(mlflow.url, "--as", "lead")  # no project: nothing new to create
    assert "0 created, 2 updated, 0 unchanged, 0 refused, 1 marked missing" in third
    assert MlflowVersionLink.objects.get(name=name, version=2).tags == {"reviewed": "yes"}
    assert ModelVersion.objects.get(pk=two.pk).tags == {"reviewed": "yes"}
    assert not ModelAlias.objects.filter(model=model).exists()  # went with v1 in MLflow, set by the import
    assert f"{name}: alias champion removed" in third
    assert "0 created, 0 updated, 2 unchanged" in _import(mlflow.url, "--as", "lead")
    assert MLModel.objects.get(pk=model.pk).description == "Scores cards."
    assert ModelVersion.objects.filter(pk=one.pk).exists()  # marked, never deleted
    assert MlflowVersionLink.objects.get(name=name, version=1).missing_since is not None


@pytest.mark.django_db
def test_a_production_stage_still_passes_the_gate(mlflow, project, lead):
    name = f"{mlflow.prefix}-ranker"
    mlflow.call("POST", "registered-models/create", {"name": name})
    run = mlflow.run(mlflow.experiment, user="lead", metrics={"ndcg": 0.7}, params={}, commit="abc")
    mlflow.version(name, run, "s3://models/ranker/1")
    mlflow.call("POST", "model-versions/transition-stage",
                {"name": name, "version": "1", "stage": "Production", "archive_existing_versions": False})
    _only_ours(mlflow)

    output = _import(mlflow.url, "--project", "fraud")

    version = ModelVersion.objects.get(model__name=name)
    assert version.status == "candidate"
    assert MlflowVersionLink.objects.get(name=name).pending_status == "production"
    assert f"{name} v1: production is pending:" in output
    assert "0 created, 0 updated, 2 unchanged" in _import(mlflow.url, "--project", "fraud")


@pytest.mark.django_db
def test_an_import_someone_may_not_make_is_refused(mlflow, project, outsider):
    name = f"{mlflow.prefix}-model"
    mlflow.call("POST", "registered-models/create", {"name": name})
    _only_ours(mlflow)

    output = _import(mlflow.url, "--project", "fraud", "--as", "outsider")

    assert "0 created, 0 updated, 0 unchanged, 1 refused" in output
    assert "may not register models in fraud" in output
    assert not MLModel.objects.exists()
    with pytest.raises(CommandError, match="--as USERNAME"):
        _import(mlflow.url)
    with pytest.raises(CommandError, match="MLflow could not be read"):
        _import("http://127.0.0.1:9", "--project", "fraud", "--as", "outsider")


@pytest.mark.django_db
def test_the_periodic_task_imports_when_a_server_is_set(mlflow, project, lead, settings):
    from integrations.tasks import mlflow_sync

    name = f"{mlflow.prefix}-periodic"
    mlflow.call("POST", "registered-models/create", {"name": name})
    _only_ours(mlflow)

    settings.MLFLOW_TRACKING_URI = ""
    assert mlflow_sync.apply().get() == {"skipped": "MLFLOW_TRACKING_URI is not set"}
    settings.MLFLOW_TRACKING_URI, settings.MLFLOW_IMPORT_PROJECT = mlflow.url, "fraud"
    assert mlflow_sync.apply().get()["created"] == 1
    assert MLModel.objects.get(name=name).project == project


@pytest.mark.django_db
def test_aliases_and_tags_keep_almanacs_rules(mlflow, project, lead):
    name = f"{mlflow.prefix}-tagger"
    long_key = "k" * 120
    mlflow.call("POST", "registered-models/create", {"name": name, "tags": [
        {"key": "owner", "value": "fraud team"}, {"key": long_key, "value": "dropped"}]})
    for n in (1, 2):
        run = mlflow.run(mlflow.experiment, user="lead", metrics={}, params={"notes": "n" * 700}, commit="c")
        mlflow.version(name, run, f"s3://models/tagger/{n}")
    mlflow.call("POST", "model-versions/set-tag", {"name": name, "version": "1", "key": "summary",
                                                   "value": "s" * 600})
    for alias, version in (("champion", "1"), ("challenger", "2")):
        mlflow.call("POST", "registered-models/alias", {"name": name, "alias": alias, "version": version})
    _only_ours(mlflow)

    first = _import(mlflow.url, "--project", "fraud")

    assert "3 created, 0 updated, 0 unchanged, 0 refused" in first
    model = MLModel.objects.get(name=name)
    one, two = model.versions.order_by("number")
    assert model.tags == {"owner": "fraud team"} and f"{name}: tags: {long_key[:60]!r} skipped" in first
    assert one.tags == {"summary": "s" * 500} and f"{name} v1: tags: summary truncated to 500" in first
    assert one.params == {"notes": "n" * 500}
    assert dict(ModelAlias.objects.filter(model=model).values_list("name", "version__number")) == {
        "champion": 1, "challenger": 2}

    lifecycle.model_alias_set(model=model, name="stable", version=two, by=lead)  # set in Almanac
    mlflow.call("POST", "registered-models/alias", {"name": name, "alias": "stable", "version": "1"})
    mlflow.call("DELETE", "registered-models/alias", {"name": name, "alias": "challenger"})
    second = _import(mlflow.url, "--project", "fraud")

    assert "1 refused" in second
    assert f"{name}: alias stable=1 refused, kept pending: Almanac's alias stable (v2)" in second
    assert f"{name}: alias challenger removed" in second
    assert dict(ModelAlias.objects.filter(model=model).values_list("name", "version__number")) == {
        "champion": 1, "stable": 2}
    link = MlflowModelLink.objects.get(name=name)
    assert (link.applied_aliases, list(link.pending_aliases)) == ({"champion": 1}, ["stable"])

    mlflow.call("DELETE", "registered-models/alias", {"name": name, "alias": "stable"})
    third = _import(mlflow.url, "--project", "fraud")
    assert "0 refused" in third and "0 created" in third
    assert ModelAlias.objects.get(model=model, name="stable").version == two  # not the import's to remove


@pytest.mark.django_db
def test_moving_a_serving_alias_still_passes_the_gate(mlflow, project, lead):
    name = f"{mlflow.prefix}-server"
    mlflow.call("POST", "registered-models/create", {"name": name})
    for n in (1, 2):
        run = mlflow.run(mlflow.experiment, user="lead", metrics={}, params={}, commit="c")
        mlflow.version(name, run, f"s3://models/server/{n}")
    mlflow.call("POST", "registered-models/alias", {"name": name, "alias": "prod", "version": "1"})
    _only_ours(mlflow)
    _import(mlflow.url, "--project", "fraud")
    model = MLModel.objects.get(name=name)
    ModelAlias.objects.filter(model=model, name="prod").update(serving=True)  # a serving job reads it

    mlflow.call("POST", "registered-models/alias", {"name": name, "alias": "prod", "version": "2"})
    output = _import(mlflow.url, "--project", "fraud")

    assert "1 refused" in output and f"{name}: alias prod=2 refused, kept pending: " in output
    assert "cannot go to the serving alias “prod”: Model card" in output
    prod = ModelAlias.objects.get(model=model, name="prod")
    assert (prod.version.number, prod.serving) == (1, True)  # not moved past the gate
    assert MlflowModelLink.objects.get(name=name).pending_aliases.keys() == {"prod"}
    assert "1 refused" in _import(mlflow.url, "--project", "fraud")  # still named while refused
