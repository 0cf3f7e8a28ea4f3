"""`almanac ...`: the client's methods from a shell. `--json` prints the server's JSON for
scripts; otherwise a short human summary. Exit status: 0 done, 1 the server refused (the
error body on stderr, or on stdout with --json), 2 a usage or configuration error."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from almanac_client.client import Almanac
from almanac_client.errors import AlmanacError, ApiError, ConfigurationError
from almanac_client.types import Gate, Lineage, Page, as_json


def _pairs(items: Sequence[str] | None, *, numbers: bool = False) -> dict[str, Any] | None:
    """`name=value` options as a dict; with `numbers`, values that read as numbers are numbers."""
    if not items:
        return None
    out: dict[str, Any] = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name:
            raise argparse.ArgumentTypeError(f"{item!r}: write name=value")
        out[name] = _number(value) if numbers else value
    return out


def _number(value: str) -> Any:
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


def _lineage(text: str) -> Lineage:
    try:
        return Lineage.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _version_ref(text: str) -> int | str:
    """A version number, or an alias as `@champion`."""
    if text.startswith("@"):
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: a version number, or @alias") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="almanac", description="Almanac's REST API from the shell. Reads ALMANAC_URL and ALMANAC_TOKEN.")
    parser.add_argument("--url", help="server address (default: $ALMANAC_URL)")
    parser.add_argument("--token", help="API token (default: $ALMANAC_TOKEN)")
    parser.add_argument("--json", action="store_true", help="print the server's JSON answer")
    parser.add_argument("--retries", type=int, default=4, help="retries on 429, 5xx and lost connections")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    datasets = commands.add_parser("datasets", help="list datasets (the catalog)")
    datasets.add_argument("--filter", action="append", metavar="NAME=VALUE",
                          help="an API filter, e.g. tag=payments (repeatable)")

    models = commands.add_parser("models", help="list models")
    models.add_argument("--filter", action="append", metavar="NAME=VALUE",
                        help="an API filter, e.g. project=card-fraud-detection (repeatable)")

    dv = commands.add_parser("dataset-version", help="register or show a dataset version")
    dv_sub = dv.add_subparsers(dest="action", required=True)
    dv_add = dv_sub.add_parser("add", help="register a dataset version")
    dv_add.add_argument("dataset")
    dv_add.add_argument("label")
    dv_add.add_argument("--released-on", help="YYYY-MM-DD")
    dv_add.add_argument("--rows", type=int, dest="row_count")
    dv_add.add_argument("--size-bytes", type=int)
    dv_add.add_argument("--checksum")
    dv_add.add_argument("--location")
    dv_add.add_argument("--notes")
    dv_show = dv_sub.add_parser("show", help="a dataset version and the model versions that used it")
    dv_show.add_argument("dataset")
    dv_show.add_argument("label")

    mv = commands.add_parser("model-version", help="register, show or promote a model version")
    mv_sub = mv.add_subparsers(dest="action", required=True)
    mv_add = mv_sub.add_parser("add", help="register a model version")
    mv_add.add_argument("model")
    mv_add.add_argument("--number", type=int, help="default: the next number")
    mv_add.add_argument("--status", choices=["candidate", "staging", "archived"])
    mv_add.add_argument("--metric", action="append", metavar="NAME=VALUE")
    mv_add.add_argument("--param", action="append", metavar="NAME=VALUE")
    mv_add.add_argument("--tag", action="append", metavar="NAME=VALUE")
    mv_add.add_argument("--lineage", action="append", type=_lineage, default=[],
                        metavar="DATASET@LABEL[:USE]", help="use: training (default) or evaluation")
    mv_add.add_argument("--run-id")
    mv_add.add_argument("--source-uri")
    mv_add.add_argument("--code-revision")
    mv_add.add_argument("--artifact-uri")
    mv_add.add_argument("--trained-by", metavar="USERNAME")
    mv_add.add_argument("--notes")
    mv_show = mv_sub.add_parser("show", help="a model version by number or @alias")
    mv_show.add_argument("model")
    mv_show.add_argument("version", type=_version_ref)
    mv_status = mv_sub.add_parser("status", help="change a version's status (production is gated)")
    mv_status.add_argument("model")
    mv_status.add_argument("number", type=int)
    mv_status.add_argument("status", choices=["candidate", "staging", "production", "archived"])

    versions = commands.add_parser("versions", help="search model versions across models")
    versions.add_argument("--filter", action="append", metavar="NAME=VALUE",
                          help="an API filter, e.g. status=production, tag.team=risk, metric.auc__gte=0.9 "
                               "(repeatable)")

    alias = commands.add_parser("alias", help="set or remove a model alias")
    alias_sub = alias.add_subparsers(dest="action", required=True)
    alias_set = alias_sub.add_parser("set")
    alias_set.add_argument("model")
    alias_set.add_argument("alias")
    alias_set.add_argument("number", type=int)
    alias_set.add_argument("--serving", action=argparse.BooleanOptionalAction, default=None,
                           help="a serving job reads it: the version must pass the promotion gate")
    alias_delete = alias_sub.add_parser("delete")
    alias_delete.add_argument("model")
    alias_delete.add_argument("alias")

    compare = commands.add_parser("compare", help="versions of a model side by side")
    compare.add_argument("model")
    compare.add_argument("numbers", type=int, nargs="+")

    monitor = commands.add_parser("monitor", help="record a metric observed in production")
    monitor.add_argument("model")
    monitor.add_argument("number", type=int)
    monitor.add_argument("--metric", required=True)
    monitor.add_argument("--value", type=float, required=True)
    monitor.add_argument("--threshold", type=float, required=True)
    monitor.add_argument("--direction", choices=["above", "below"],
                         help="a breach is a value above (default) or below the threshold")
    monitor.add_argument("--observed-at", help="ISO 8601 time with a zone (default: now)")

    gate = commands.add_parser("gate", help="what a project needs to enter a stage")
    gate.add_argument("project")
    gate.add_argument("stage")

    stage = commands.add_parser("stage", help="move a project to a stage (gated)")
    stage.add_argument("project")
    stage.add_argument("stage")
    stage.add_argument("--note", default="")
    stage.add_argument("--override-reason", help="staff only: pass an unmet gate, with this reason")

    search = commands.add_parser("search", help="search what you may see")
    search.add_argument("q", nargs="?", default="")
    search.add_argument("--type", action="append", help="project, dataset, model, page... (repeatable)")

    ol = commands.add_parser("openlineage", help="send an OpenLineage run event (a JSON file, - for stdin)")
    ol.add_argument("file")
    return parser


def run(args: argparse.Namespace, client: Almanac) -> Any:
    command, action = args.command, getattr(args, "action", None)
    if command == "datasets":
        return client.datasets(**(_pairs(args.filter) or {}))
    if command == "models":
        return client.models(**(_pairs(args.filter) or {}))
    if command == "dataset-version" and action == "add":
        return client.register_dataset_version(
            args.dataset, args.label, released_on=args.released_on, row_count=args.row_count,
            size_bytes=args.size_bytes, checksum=args.checksum, location=args.location, notes=args.notes)
    if command == "dataset-version":
        return client.dataset_version(args.dataset, args.label)
    if command == "model-version" and action == "add":
        return client.register_model_version(
            args.model, number=args.number, status=args.status, metrics=_pairs(args.metric, numbers=True),
            params=_pairs(args.param, numbers=True), tags=_pairs(args.tag), lineage=args.lineage,
            run_id=args.run_id, source_uri=args.source_uri, code_revision=args.code_revision,
            artifact_uri=args.artifact_uri, trained_by=args.trained_by, notes=args.notes)
    if command == "model-version" and action == "show":
        return client.model_version(args.model, args.version)
    if command == "model-version":
        return client.set_status(args.model, args.number, args.status)
    if command == "versions":
        return client.search_versions(_pairs(args.filter))
    if command == "alias" and action == "set":
        return client.set_alias(args.model, args.alias, args.number, serving=args.serving)
    if command == "alias":
        client.delete_alias(args.model, args.alias)
        return {"deleted": args.alias}
    if command == "compare":
        return client.compare(args.model, args.numbers)
    if command == "monitor":
        return client.post_monitoring(args.model, args.number, metric=args.metric, value=args.value,
                                      threshold=args.threshold, observed_at=args.observed_at,
                                      direction=args.direction)
    if command == "gate":
        return client.gate(args.project, args.stage)
    if command == "stage":
        return client.move_stage(args.project, args.stage, note=args.note,
                                 override_reason=args.override_reason)
    if command == "search":
        return client.search(args.q, type=args.type)
    if command == "openlineage":
        source = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")  # noqa: SIM115
        with source:
            return client.post_openlineage(json.load(source))
    raise AssertionError(command)


def describe(result: Any) -> str:
    """A short human reading of a result."""
    if isinstance(result, Gate):
        head = (f"{result.project} → {result.stage}: "
                + ("ready" if result.met and result.allowed else
                   "not allowed next" if not result.allowed else "not ready"))
        lines = [head] + [f"  [{'x' if c.met else ' '}] {c.requirement}"
                          + ("" if c.met else f" — {c.problem}") for c in result.checks]
        return "\n".join(lines)
    if isinstance(result, Page):
        lines = [f"{result.count} found"]
        for item in result.results:
            lines.append("  " + _one_line(item))
        return "\n".join(lines)
    return _one_line(result)


def _one_line(item: Any) -> str:
    from almanac_client import types as t

    if isinstance(item, t.ModelVersion):
        metrics = ", ".join(f"{k}={v}" for k, v in item.metrics.items())
        return f"{item.model} v{item.number} [{item.status}]" + (f" {metrics}" if metrics else "")
    if isinstance(item, t.DatasetVersion):
        return f"{item.dataset}@{item.label}" + (f" ({item.row_count} rows)" if item.row_count else "")
    if isinstance(item, t.Dataset | t.Model):
        return f"{item.slug}: {item.name}"
    if isinstance(item, t.Transition):
        return f"moved {item.from_stage} → {item.to_stage} (by {item.actor})"
    if isinstance(item, t.SearchHit):
        return f"{item.kind} {item.slug}: {item.title}"
    return json.dumps(as_json(item), indent=2, ensure_ascii=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        client = Almanac(args.url, args.token, retries=args.retries)
        result = run(args, client)
    except ConfigurationError as error:
        print(f"almanac: {error}", file=sys.stderr)
        return 2
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    except ApiError as error:
        if args.json:
            print(json.dumps({"status": error.status, **(error.body if isinstance(error.body, dict)
                                                         else {"detail": error.detail})}))
        else:
            print(f"almanac: {error}", file=sys.stderr)
        return 1
    except (AlmanacError, OSError, ValueError) as error:
        print(f"almanac: {error}", file=sys.stderr)
        return 1
    print(json.dumps(as_json(result), indent=2, ensure_ascii=False) if args.json else describe(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
