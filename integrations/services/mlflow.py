"""Import an MLflow tracking server's model registry into Almanac, as one person.

Registered models become models (under `project` when new), their versions model versions
with the source run's metrics, params, git commit, run id and run URL (`source_uri`), MLflow's
tags on both (cut to registry.metadata's limits: a name Almanac refuses is skipped, a long value
truncated, each noted in the summary). MLflow's stage becomes the status, through the
lifecycle's gate (a refused promotion is kept as `pending_status` and reported, never forced).
MLflow's aliases become Almanac aliases (not serving, unless someone made one serving in
Almanac, which then passes the gate); one Almanac refuses is kept in `pending_aliases`, counted
as refused and named; one removed in MLflow is removed in Almanac only when this import set it
(`applied_aliases`). A tag, stage or alias changes Almanac only when it moved in MLflow, so what
someone set in Almanac is not undone by an MLflow nobody touched. What MLflow says is also
kept on the link rows (MlflowModelLink, MlflowVersionLink). Idempotent: a second run changes
nothing; something MLflow no longer has is marked `missing_since`, never deleted. Each model
is one transaction, so an interrupted import keeps what it did."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from config.exceptions import ApplicationError
from integrations.mlflow import MlflowModel, MlflowReader, MlflowRun, MlflowVersion
from integrations.models import MlflowModelLink, MlflowVersionLink
from lifecycle import services as lifecycle
from registry import permissions
from registry import services as registry
from registry.metadata import KEY, MAX_KEY_LENGTH, MAX_KEYS, MAX_VALUE_LENGTH
from registry.models import (
    DatasetVersion,
    Lineage,
    Membership,
    MLModel,
    ModelAlias,
    ModelVersion,
    Person,
    Project,
)
from registry.services.common import record_update

STATUS_OF_STAGE = {"None": ModelVersion.Status.CANDIDATE, "Staging": ModelVersion.Status.STAGING,
                   "Production": ModelVersion.Status.PRODUCTION, "Archived": ModelVersion.Status.ARCHIVED}
USES = {"training": Lineage.Use.TRAINING, "train": Lineage.Use.TRAINING,
        "evaluation": Lineage.Use.EVALUATION, "eval": Lineage.Use.EVALUATION, "test": Lineage.Use.EVALUATION,
        "validation": Lineage.Use.EVALUATION}


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    marked_missing: int = 0
    messages: list[str] = field(default_factory=list)  # what was refused or is pending, and why

    def count(self, outcome: str, message: str = "") -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if message:
            self.messages.append(message)


def _within_limits(kind: str, values: dict[str, Any], label: str, summary: ImportSummary) -> dict[str, str]:
    """MLflow's tags or params (strings) cut to the registry's limits, what was cut noted."""
    kept: dict[str, str] = {}
    notes = []
    for key, value in sorted(values.items()):
        if len(kept) >= MAX_KEYS:
            notes.append(f"those past the first {MAX_KEYS} skipped")
            break
        if not key.strip() or len(key) > MAX_KEY_LENGTH or not KEY.match(key):
            notes.append(f"{key[:60]!r} skipped (not a name Almanac accepts)")
            continue
        text = str(value).replace("\x00", "")
        if len(text) > MAX_VALUE_LENGTH:
            notes.append(f"{key} truncated to {MAX_VALUE_LENGTH} characters")
            text = text[:MAX_VALUE_LENGTH]
        kept[key] = text
    if notes:
        summary.messages.append(f"{label}: {kind}: " + "; ".join(notes) + ".")
    return kept


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages) or "not valid"
    return getattr(error, "message", "") or str(error) or "not allowed"


def _model_for(mm: MlflowModel, link: MlflowModelLink | None, project: Project | None, by: Person,
               summary: ImportSummary) -> tuple[MLModel | None, str]:
    """The Almanac model of an MLflow model, created when new: (model, outcome)."""
    model = link.model if link else MLModel.objects.select_related("project").filter(
        slug=slugify(mm.name)[:100]).first()
    if model is not None:
        if not permissions.can_edit_model(by, model):
            return None, f"{mm.name}: refused: the model {model.slug} is not yours to change."
        # an empty description in MLflow does not wipe one written in Almanac
        changes = {key: value for key, value in {"description": mm.description}.items()
                   if value and getattr(model, key) != value}
        if link is None or link.tags != mm.tags:  # tags moved in MLflow (or a first import)
            tags = _within_limits("tags", mm.tags, mm.name, summary)
            if tags != model.tags:
                changes["tags"] = tags
        if changes:
            registry.model_update(model=model, by=by, **changes)
            return model, "updated"
        return model, "unchanged"
    if project is None:
        return None, f"{mm.name}: refused: a new model needs a project (--project)."
    if not permissions.can_create_model_in(by, project):
        return None, f"{mm.name}: refused: {by.username} may not register models in {project.slug}."
    slug = slugify(mm.name)[:100]
    if not slug:
        return None, f"{mm.name}: refused: the name makes no slug."
    model = registry.model_create(slug=slug, name=mm.name[:200], project=project, by=by,
                                  task=mm.tags.get("task", "")[:80] or "unspecified",
                                  framework=mm.tags.get("framework", "")[:80],
                                  description=mm.description,
                                  tags=_within_limits("tags", mm.tags, mm.name, summary))
    return model, "created"


def _lineage(run: MlflowRun | None, by: Person) -> list[tuple[DatasetVersion, str]]:
    """The run's logged dataset inputs that match a dataset version `by` can see: the dataset
    by slug or name, the version by checksum (MLflow's digest) or label."""
    found = []
    for item in run.inputs if run else ():
        if not item.name or not item.digest:
            continue
        version = (DatasetVersion.objects.visible_to(by).select_related("dataset")
                   .filter(dataset__slug=slugify(item.name)[:100]).filter(checksum=item.digest).first()
                   or DatasetVersion.objects.visible_to(by).select_related("dataset")
                   .filter(dataset__name=item.name, label=item.digest).first())
        if version is not None:
            found.append((version, USES.get(item.context.lower(), Lineage.Use.TRAINING)))
    return found


def _run_url(tracking_uri: str, run: MlflowRun | None) -> str:
    """Where MLflow's UI shows the run."""
    if run is None or not run.experiment_id:
        return ""
    url = f"{tracking_uri}/#/experiments/{run.experiment_id}/runs/{run.run_id}"
    return url if len(url) <= 500 else ""


def _set_status(version: ModelVersion, status: str, by: Person) -> str:
    """'' when the status is now `status`; else why the lifecycle refused it."""
    try:
        lifecycle.model_version_set_status(version=version, status=status, by=by)
    except (ApplicationError, ValidationError, PermissionDenied) as error:
        return getattr(error, "message", "") or str(error) or "not allowed"
    return ""


def _version(mv: MlflowVersion, run: MlflowRun | None, model: MLModel, link: MlflowVersionLink | None,
             aliases: list[str], tracking_uri: str, by: Person, summary: ImportSummary) -> None:
    label = f"{mv.name} v{mv.version}"
    wanted = STATUS_OF_STAGE.get(mv.stage, ModelVersion.Status.CANDIDATE)
    facts: dict[str, Any] = {
        "run_id": mv.run_id[:64], "source": mv.source[:1000], "stage": mv.stage[:20], "tags": mv.tags,
        "params": run.params if run else {}, "aliases": aliases,
        "inputs": [{"name": i.name, "digest": i.digest, "source": i.source, "context": i.context}
                   for i in (run.inputs if run else ())],
        "missing_since": None}
    version = link.model_version if link else model.versions.filter(number=mv.number).first()
    outcome = "unchanged"
    if version is None:
        trained_by = Person.objects.filter(username=run.user).first() if run and run.user else None
        version = registry.model_version_add(
            model=model, number=mv.number, by=by, trained_by=trained_by,
            status=ModelVersion.Status.CANDIDATE if wanted == ModelVersion.Status.PRODUCTION else wanted,
            metrics=run.metrics if run else {}, code_revision=(run.git_commit if run else "")[:80],
            artifact_uri=mv.source[:500], notes=mv.description, lineage=_lineage(run, by),
            tags=_within_limits("tags", mv.tags, label, summary),
            params=_within_limits("params", run.params if run else {}, label, summary),
            run_id=mv.run_id[:200], source_uri=_run_url(tracking_uri, run))
        outcome = "created"
    else:
        if link is None or any(getattr(link, key) != value for key, value in facts.items()):
            outcome = "updated"
        if link is None or link.tags != mv.tags:  # tags moved in MLflow (or a first import)
            tags = _within_limits("tags", mv.tags, label, summary)
            if tags != version.tags:
                registry.model_version_update(version=version, by=by, tags=tags)
                outcome = "updated"
        if not version.run_id and mv.run_id:  # registered before the registry held runs
            record_update(version, by=by, fields={
                "run_id": mv.run_id[:200], "source_uri": _run_url(tracking_uri, run),
                "params": _within_limits("params", run.params if run else {}, label, summary)})
            outcome = "updated"
    # MLflow's stage moves the status when it is new to Almanac or moved in MLflow (or was
    # refused before: the gate may pass now), so a status set in Almanac is not undone by a
    # stage nobody touched (in MLflow 3 most versions stay at "None")
    stage_moved = (outcome == "created" or (link is None and mv.stage != "None")
                   or (link is not None and (link.stage != mv.stage or bool(link.pending_status))))
    facts["pending_status"] = link.pending_status if link and not stage_moved else ""
    if stage_moved and version.status != wanted:
        refusal = _set_status(version, wanted, by)
        if refusal:
            facts["pending_status"] = wanted
            if not link or link.pending_status != wanted:
                summary.messages.append(f"{label}: {wanted} is pending: {refusal}")
        elif outcome == "unchanged":
            outcome = "updated"
    MlflowVersionLink.objects.update_or_create(
        tracking_uri=tracking_uri, name=mv.name, version=mv.number,
        defaults={"model_version": version, **facts})
    summary.count(outcome)


def _mark_missing(tracking_uri: str, seen_models: set[str], seen_versions: set[tuple[str, int]],
                  summary: ImportSummary) -> None:
    now = timezone.now()
    for link in MlflowVersionLink.objects.filter(tracking_uri=tracking_uri, missing_since=None):
        if (link.name, link.version) not in seen_versions:
            link.missing_since = now
            link.save(update_fields=["missing_since", "synced_at"])
            summary.marked_missing += 1
            summary.messages.append(f"{link.name} v{link.version}: no longer in MLflow (marked, kept).")
    for link in MlflowModelLink.objects.filter(tracking_uri=tracking_uri, missing_since=None):
        if link.name not in seen_models:
            link.missing_since = now
            link.save(update_fields=["missing_since", "synced_at"])
            summary.messages.append(f"{link.name}: no longer in MLflow (marked, kept).")


def mlflow_import_actor(*, username: str, project: Project | None) -> Person:
    """Who an import acts as: `username`, else the first lead of `project`'s team."""
    if username:
        person = Person.objects.filter(username=username, is_active=True).first()
        if person is None:
            raise ApplicationError(f"No active person {username!r}.")
        return person
    lead = None
    if project is not None:
        lead = (Membership.objects.filter(team=project.team_id, level=Membership.Level.LEAD)
                .select_related("person").order_by("person__username").first())
    if lead is None:
        raise ApplicationError("Say who the import acts as: --as USERNAME (or --project, whose team's "
                               "lead it then is).")
    return lead.person


def mlflow_import(*, reader: MlflowReader, tracking_uri: str, by: Person, project: Project | None = None,
                  progress: Callable[[int, int, str], None] | None = None) -> ImportSummary:
    """Import every registered model of the tracking server (see the module's docstring)."""
    summary = ImportSummary()
    models = list(reader.registered_models())
    seen_models: set[str] = set()
    seen_versions: set[tuple[str, int]] = set()
    for done, mm in enumerate(models, start=1):
        versions = reader.model_versions(mm.name)
        runs = {v.run_id: reader.run(v.run_id) for v in versions if v.run_id}
        seen_models.add(mm.name)
        seen_versions |= {(mm.name, v.number) for v in versions}
        with transaction.atomic():
            _import_model(mm, versions, runs, tracking_uri, project, by, summary)
        if progress:
            progress(done, len(models), mm.name)
    with transaction.atomic():
        _mark_missing(tracking_uri, seen_models, seen_versions, summary)
    return summary


def _import_model(mm: MlflowModel, versions: list[MlflowVersion], runs: dict[str, MlflowRun | None],
                  tracking_uri: str, project: Project | None, by: Person, summary: ImportSummary) -> None:
    link = MlflowModelLink.objects.select_related("model__project").filter(
        tracking_uri=tracking_uri, name=mm.name).first()
    model, outcome = _model_for(mm, link, project, by, summary)
    if model is None:
        summary.count("refused", outcome)
        summary.refused += len(versions)
        return
    facts = {"tags": mm.tags, "aliases": mm.aliases, "missing_since": None}
    if outcome == "unchanged" and (link is None or any(getattr(link, k) != v for k, v in facts.items())):
        outcome = "updated"
    model_link, _ = MlflowModelLink.objects.update_or_create(tracking_uri=tracking_uri, name=mm.name,
                                                             defaults={"model": model, **facts})
    summary.count(outcome)
    links = {link.version: link for link in MlflowVersionLink.objects.select_related("model_version").filter(
        tracking_uri=tracking_uri, name=mm.name)}
    for mv in versions:
        if mv.status != "READY":
            summary.count("refused", f"{mm.name} v{mv.version}: not imported: MLflow says {mv.status}.")
            continue
        try:
            with transaction.atomic():
                aliases = sorted(set(mv.aliases) | {a for a, v in mm.aliases.items() if v == mv.version})
                _version(mv, runs.get(mv.run_id), model, links.get(mv.number), aliases, tracking_uri, by,
                         summary)
        except (ValidationError, ApplicationError, PermissionDenied) as error:
            summary.count("refused", f"{mm.name} v{mv.version}: refused: "
                                     f"{getattr(error, 'message', '') or error}")
    _aliases(mm, model, model_link, by, summary)


def _aliases(mm: MlflowModel, model: MLModel, link: MlflowModelLink, by: Person,
             summary: ImportSummary) -> None:
    """MLflow's aliases as Almanac aliases, through the lifecycle (see the module's docstring)."""
    applied: dict[str, int] = dict(link.applied_aliases)
    pending: dict[str, str] = {}
    current = {a.name: a for a in ModelAlias.objects.filter(model=model).select_related("version")}
    numbers = {name: int(v) for name, v in mm.aliases.items() if str(v).isdigit()}
    versions = {v.number: v for v in model.versions.filter(number__in=set(numbers.values()))}
    for name in sorted(mm.aliases):
        number = numbers.get(name)
        alias = current.get(name)
        if number is not None and applied.get(name) == number:
            continue  # not moved in MLflow since this import set it
        if alias is not None and number is not None and alias.version.number == number:
            continue  # Almanac already agrees (set there: not this import's to remove)
        if number is None or number not in versions:
            pending[name] = f"v{mm.aliases[name]} is not imported"
        elif alias is not None and name not in applied:
            pending[name] = f"Almanac's alias {name} (v{alias.version.number}) was set in Almanac"
        else:
            try:
                with transaction.atomic():
                    lifecycle.model_alias_set(model=model, name=name, version=versions[number], by=by)
            except (ApplicationError, ValidationError, PermissionDenied) as error:
                pending[name] = _reason(error)
                continue
            applied[name] = number
            summary.messages.append(f"{mm.name}: alias {name} set to v{number}.")
    for name, number in list(applied.items()):
        if name in mm.aliases:
            continue
        alias = current.get(name)
        if alias is not None and alias.version.number == number:  # not moved in Almanac since
            try:
                with transaction.atomic():
                    lifecycle.model_alias_remove(model=model, name=name, by=by)
            except (ApplicationError, ValidationError, PermissionDenied) as error:
                pending[name] = f"not removed: {_reason(error)}"
                continue
            summary.messages.append(f"{mm.name}: alias {name} removed (gone from MLflow).")
        del applied[name]
    for name, why in sorted(pending.items()):
        summary.count("refused", f"{mm.name}: alias {name}={mm.aliases.get(name, '-')} refused, "
                                 f"kept pending: {why}")
    if applied != link.applied_aliases or pending != link.pending_aliases:
        link.applied_aliases, link.pending_aliases = applied, pending
        link.save(update_fields=["applied_aliases", "pending_aliases", "synced_at"])
