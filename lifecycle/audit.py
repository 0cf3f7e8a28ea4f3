"""The audit bundle of a model version: who did what, when, and on which data.

Everything in it is read from records that are only ever appended to — the activity log,
page revisions, approvals, stage transitions — and from the version's own fields: nothing is
inferred. Status and alias changes are the version's activity rows ("changed status", "set
alias", "moved alias", "removed alias"). "Every document as it read at promotion time" is, for
each page that documented the model, the version or its project, the page revision in force
at the moment of the promotion (the newest revision saved before it), with the SHA-256 of its
text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from lifecycle.models import Approval
from registry.models import Activity, Caveat, Dataset, Lineage, ModelVersion, Person, StageTransition
from wiki.models import Page, PageRevision

BUNDLE_FORMAT = "almanac.audit/1"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _person(person: Person | None) -> dict[str, str] | None:
    if person is None:
        return None
    return {"username": person.username, "name": person.name}


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@dataclass(frozen=True)
class Event:
    """One change of the version or its project, from the activity log."""

    at: datetime
    actor: Person | None
    verb: str
    changes: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"at": _when(self.at), "actor": _person(self.actor), "verb": self.verb,
                "changes": self.changes}


def _events(target: Any) -> list[Event]:
    rows = (Activity.objects.filter(target_type=ContentType.objects.get_for_model(target),
                                    target_id=target.pk)
            .select_related("actor").order_by("created_at", "pk"))
    return [Event(row.created_at, row.actor, row.verb, row.changes) for row in rows]


def _documents(version: ModelVersion, reader: Any) -> list[Page]:
    """Pages the reader may see that document the model, this version or the project."""
    model = version.model
    return list(
        Page.objects.visible_to(reader)
        .filter(Q(documents_models=model) | Q(documents_model_versions=version)
                | Q(documents_projects=model.project_id))
        .distinct().select_related("template", "space").order_by("title", "pk")
    )


def _revision_at(revisions: list[PageRevision], moment: datetime) -> PageRevision | None:
    """The revision a reader saw at `moment`: the newest one saved before it."""
    earlier = [r for r in revisions if r.created_at <= moment]
    return max(earlier, key=lambda r: r.number) if earlier else None


def _revision_dict(page: Page, revision: PageRevision,
                   approvals: list[Approval]) -> dict[str, Any]:
    return {
        "page": page.title, "url": page.get_absolute_url(),
        "template": page.template.kind if page.template else None,
        "revision": revision.number, "revision_id": revision.pk,
        "author": _person(revision.author), "saved_at": _when(revision.created_at),
        "sha256": text_sha256(revision.body),
        "documents": revision.documents,
        "decisions": [
            {"reviewer": _person(a.reviewer), "decision": a.decision, "comment": a.comment,
             "at": _when(a.created_at)}
            for a in approvals if a.revision == revision.number
        ],
    }


def is_promotion(changes: dict[str, Any]) -> bool:
    status = changes.get("status")
    return isinstance(status, list) and len(status) == 2 and status[1] == "production"


def bundle(version: ModelVersion, *, reader: Any) -> dict[str, Any]:
    """The audit bundle of `version` as `reader` may see it (a JSON-ready dict)."""
    model = version.model
    project = model.project
    pages = _documents(version, reader)
    revisions: dict[int, list[PageRevision]] = {page.pk: [] for page in pages}
    for revision in (PageRevision.objects.filter(page__in=pages).select_related("author")
                     .order_by("page", "number")):
        revisions[revision.page_id].append(revision)
    approvals: dict[int, list[Approval]] = {page.pk: [] for page in pages}
    for approval in (Approval.objects.filter(page__in=pages).select_related("reviewer")
                     .order_by("created_at", "pk")):
        approvals[approval.page_id].append(approval)

    version_events = _events(version)
    promotions = []
    for event in version_events:
        if is_promotion(event.changes):  # "promoted" (or "changed status" before aliases came)
            documents = []
            for page in pages:
                revision = _revision_at(revisions[page.pk], event.at)
                if revision is not None:
                    documents.append(_revision_dict(page, revision, approvals[page.pk]))
            promotions.append({**event.as_dict(), "documents": documents})

    lineage = (Lineage.objects.filter(model_version=version)
               .select_related("dataset_version__dataset", "dataset_version__created_by")
               .order_by("use", "pk"))
    caveats: dict[int, list[dict[str, Any]]] = {}
    for caveat in (Caveat.objects.filter(dataset_version__lineage__model_version=version)
                   .select_related("raised_by", "resolved_by").distinct().order_by("created_at", "pk")):
        caveats.setdefault(caveat.dataset_version_id, []).append({
            "id": caveat.pk, "kind": caveat.kind, "text": caveat.text, "status": caveat.status,
            "raised_by": _person(caveat.raised_by), "raised_at": _when(caveat.created_at),
            "resolution": caveat.resolution, "resolved_by": _person(caveat.resolved_by),
            "resolved_at": _when(caveat.resolved_at),
        })
    visible_datasets = set(Dataset.objects.visible_to(reader).filter(
        pk__in=lineage.values("dataset_version__dataset")).values_list("pk", flat=True))
    datasets = []
    for row in lineage:
        dv = row.dataset_version
        if dv.dataset_id not in visible_datasets:
            datasets.append({"use": row.use, "hidden": True})
            continue
        datasets.append({
            "use": row.use, "dataset": dv.dataset.slug, "name": dv.dataset.name,
            "version": dv.label, "checksum": dv.checksum, "location": dv.location,
            "row_count": dv.row_count, "registered_at": _when(dv.created_at),
            "registered_by": _person(dv.created_by), "caveats": caveats.get(dv.pk, []),
        })

    transitions = (StageTransition.objects.filter(project=project).select_related("actor")
                   .order_by("created_at", "pk"))
    return {
        "format": BUNDLE_FORMAT,
        "generated_at": _when(timezone.now()),
        "model": {"slug": model.slug, "name": model.name, "project": project.slug,
                  "project_name": project.name, "team": project.team.slug},
        "version": {
            "number": version.number, "status": version.status,
            "registered_at": _when(version.created_at), "registered_by": _person(version.created_by),
            "trained_by": _person(version.trained_by), "code_revision": version.code_revision,
            "artifact_uri": version.artifact_uri, "metrics": version.metrics,
            "params": version.params, "tags": version.tags, "run_id": version.run_id,
            "source_uri": version.source_uri, "notes": version.notes,
            "aliases": [{"alias": a.name, "serving": a.serving, "set_by": _person(a.updated_by),
                         "at": _when(a.updated_at)}
                        for a in version.aliases.select_related("updated_by").order_by("name")],
        },
        "datasets": datasets,
        "promotions": promotions,
        "version_history": [event.as_dict() for event in version_events],
        "stage_changes": [
            {"at": _when(t.created_at), "actor": _person(t.actor), "from": t.from_stage,
             "to": t.to_stage, "note": t.note, "override_reason": t.override_reason}
            for t in transitions
        ],
        "documents_now": [
            _revision_dict(page, revisions[page.pk][-1], approvals[page.pk])
            for page in pages if revisions[page.pk]
        ],
    }
