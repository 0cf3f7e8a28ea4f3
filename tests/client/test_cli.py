"""The `almanac` command against a live server: human output, and --json for scripts."""

import json

import pytest

from accounts.services import api_token_create
from almanac_client.cli import main
from registry.models import DatasetVersion, ModelVersion

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cli(live_server, reference_data, member, monkeypatch, capsys):
    _, token = api_token_create(user=member, name="cli")
    monkeypatch.setenv("ALMANAC_URL", live_server.url)
    monkeypatch.setenv("ALMANAC_TOKEN", token)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_register_promote_and_search_from_the_shell(cli, dataset, model):
    code, out, _ = cli("dataset-version", "add", "transactions", "2026.11", "--rows", "1200",
                       "--location", "s3://lake/t/2026.11/")
    assert code == 0 and out.strip() == "transactions@2026.11 (1200 rows)"
    assert DatasetVersion.objects.filter(label="2026.11").exists()

    code, out, _ = cli("--json", "model-version", "add", "scorer", "--metric", "auc=0.91",
                       "--metric", "loss=0.2", "--lineage", "transactions@2026.11",
                       "--code-revision", "abc123")
    body = json.loads(out)
    assert code == 0
    assert body["metrics"] == {"auc": 0.91, "loss": 0.2}
    assert body["lineage"] == [{"dataset": "transactions", "version": "2026.11", "use": "training"}]

    code, out, _ = cli("model-version", "status", "scorer", "1", "staging")
    assert code == 0 and out.startswith("scorer v1 [staging]")
    assert ModelVersion.objects.get(number=1).status == "staging"

    code, out, _ = cli("models")
    assert out.splitlines() == ["1 found", "  scorer: Scorer"]

    code, out, _ = cli("--json", "search", "Transactions", "--type", "dataset")
    assert [hit["slug"] for hit in json.loads(out)["results"]] == ["transactions"]


def test_a_gate_reads_as_a_checklist(cli, project):
    code, out, _ = cli("gate", "fraud", "data_discovery")
    assert code == 0
    assert out.splitlines()[0] == "fraud → data_discovery: not ready"
    assert "[ ] Project charter" in out

    code, out, _ = cli("--json", "stage", "fraud", "data_discovery")
    assert code == 1
    body = json.loads(out)
    assert body["status"] == 409 and body["unmet"][0]["requirement"] == "Project charter"


def test_an_error_names_the_field(cli, model):
    code, out, err = cli("model-version", "add", "scorer", "--lineage", "nothing@1")
    assert code == 1 and out == ""
    assert "400" in err and "lineage" in err and "nothing@1" in err


def test_bad_arguments_are_usage_errors(cli, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["model-version", "add", "scorer", "--lineage", "no-label"])
    assert exit_.value.code == 2
    assert "dataset@label" in capsys.readouterr().err
