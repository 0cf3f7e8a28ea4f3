"""Reads for pages and endpoints: permission-scoped, annotated, prefetched."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from registry.models import (
    Activity,
    Caveat,
    Dataset,
    DatasetVersion,
    Lineage,
    Membership,
    MLModel,
    ModelAlias,
    ModelVersion,
    Person,
    Project,
    RoleAssignment,
    Team,
)
from registry.permissions import User


def project_list(*, user: User) -> QuerySet[Project]:
    return Project.objects.visible_to(user).select_related("team")


def dataset_list(*, user: User) -> QuerySet[Dataset]:
    latest = DatasetVersion.objects.filter(dataset=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        Dataset.objects.visible_to(user)
        .select_related("team", "steward")
        .annotate(latest_version=Subquery(latest.values("label")[:1]))
        # tags are shown on every row: one query for the page, not one per dataset
        .prefetch_related("tags")
    )


def dataset_tag_names(dataset_ids: Iterable[int]) -> dict[int, list[str]]:
    """Dataset id -> its tags' names in name order, for a page of datasets in one query."""
    names: dict[int, list[str]] = {pk: [] for pk in dataset_ids}
    for dataset_id, name in Dataset.tags.through.objects.filter(dataset_id__in=list(names)).order_by(
            "tag__name").values_list("dataset_id", "tag__name"):
        names[dataset_id].append(name)
    return names


def with_tag_names(rows: list[dict]) -> list[dict]:
    """Dataset rows read as dicts (with "pk"), each given `tag_names`, in one query for all."""
    names = dataset_tag_names(row["pk"] for row in rows)
    for row in rows:
        row["tag_names"] = names[row["pk"]]
    return rows


def _model_version_summary() -> dict[str, Subquery | Coalesce]:
    versions = ModelVersion.objects.filter(model=OuterRef("pk"))
    latest = versions.order_by("-number")
    count = versions.order_by().values("model").annotate(n=Count("pk")).values("n")
    return {
        "latest_number": Subquery(latest.values("number")[:1]),
        "latest_status": Subquery(latest.values("status")[:1]),
        "production_number": Subquery(versions.filter(status="production").values("number")[:1]),
        "version_count": Coalesce(Subquery(count), 0),
    }


# Subqueries rather than a join and GROUP BY, so a page's count() drops them all; built once
# (expressions are copied when a query uses them), as model_list runs on every model search.
MODEL_VERSION_SUMMARY = _model_version_summary()


def model_list(*, user: User) -> QuerySet[MLModel]:
    return (
        MLModel.objects.visible_to(user)
        .select_related("project")
        .annotate(**MODEL_VERSION_SUMMARY)
        .order_by("name")
    )


def alias_maps(model_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Model id -> {alias: version number}, for a page of models in one query."""
    maps: dict[int, dict[str, int]] = {pk: {} for pk in model_ids}
    for model_id, name, number in ModelAlias.objects.filter(model_id__in=list(maps)).order_by(
            "name").values_list("model_id", "name", "version__number"):
        maps[model_id][name] = number
    return maps


def team_list(*, user: User) -> QuerySet[Team]:
    return Team.objects.annotate(
        member_count=Count("memberships", distinct=True),
    ).order_by("name")


def person_list(*, user: User) -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).prefetch_related(
        # each row names the person's teams: one query for the page
        Prefetch("memberships", queryset=Membership.objects.select_related("team"))
    )


def activity_of(*, user: User, target: object) -> QuerySet[Activity]:
    """The rows of `target`'s activity `user` may read (pass a page of them through
    `visible_changes` before showing it)."""
    return (Activity.objects.visible_to(user)
            .filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)
            .select_related("actor"))


def activity_for(*, user: User, target: object, limit: int = 50) -> list[Activity]:
    """The latest activity of `target`, as `user` may read it."""
    return visible_changes(activity_of(user=user, target=target)[:limit], user=user)


def recent_activity(*, user: User, limit: int = 15, **filters: object) -> list[Activity]:
    rows = Activity.objects.visible_to(user).filter(**filters).select_related("actor")[:limit]
    return visible_changes(rows, user=user)


# What a reader who cannot see a referenced object reads instead of its name.
HIDDEN_NAMES = {"project": "a project you cannot see", "dataset": "a dataset you cannot see",
                "model": "a model you cannot see", "dataset_version": "a dataset version you cannot see",
                "model_version": "a model version you cannot see"}
_REF_QUERYSETS = {  # kind -> (queryset of the object whose visibility decides, its slug field)
    "project": (Project, "slug"), "dataset": (Dataset, "slug"), "model": (MLModel, "slug"),
    "dataset_version": (Dataset, "slug"), "model_version": (MLModel, "slug"),
}


def _refs_in(value: object) -> Iterable[dict]:
    if isinstance(value, dict):
        if value.get("type") in HIDDEN_NAMES and "slug" in value:
            yield value
        else:
            for item in value.values():
                yield from _refs_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs_in(item)


def _owner_slug(ref: dict) -> str:
    """The slug whose visibility decides: a version's dataset or model."""
    return ref["slug"].split("@")[0]


def visible_changes(rows: Iterable[Activity], *, user: User) -> list[Activity]:
    """The rows with every project, dataset, model or version their `changes` name that `user`
    cannot see replaced by its kind ("a dataset you cannot see"): one query per kind named on
    the page, whatever the number of rows."""
    rows = list(rows)
    wanted: dict[str, set[str]] = {}
    for row in rows:
        for ref in _refs_in(row.changes):
            wanted.setdefault(ref["type"], set()).add(_owner_slug(ref))
    seen: dict[str, set[str]] = {}
    for kind, slugs in wanted.items():
        model, field = _REF_QUERYSETS[kind]
        seen[kind] = set(model.objects.visible_to(user).filter(**{f"{field}__in": slugs})
                         .values_list(field, flat=True))

    def redact(value: object) -> object:
        if isinstance(value, dict):
            if value.get("type") in HIDDEN_NAMES and "slug" in value:
                if _owner_slug(value) in seen.get(value["type"], set()):
                    return value
                return {"type": value["type"], "name": HIDDEN_NAMES[value["type"]]}
            return {key: redact(item) for key, item in value.items()}
        if isinstance(value, list):
            return [redact(item) for item in value]
        return value

    for row in rows:
        row.changes = redact(row.changes)
    return rows


def role_assignments_for(*, target: object) -> QuerySet[RoleAssignment]:
    field = {"Project": "project", "Dataset": "dataset", "MLModel": "model"}[type(target).__name__]
    return RoleAssignment.objects.filter(**{field: target}).select_related("role", "person")


def dataset_versions_with_usage(*, user: User, dataset: Dataset) -> QuerySet[DatasetVersion]:
    return dataset.versions.select_related("created_by").prefetch_related(
        # each version lists the model versions trained on it: one query for all versions
        Prefetch("lineage", queryset=Lineage.objects.visible_to(user).select_related(
            "model_version", "model_version__model")),
        # and its caveats: one query for all versions
        Prefetch("caveats", queryset=Caveat.objects.select_related(
            "raised_by", "resolved_by", "dataset_version__dataset").order_by("status", "-created_at", "-pk")))


def lineage_with_caveats(*, user: User) -> Prefetch:
    """A version's lineage `user` may see, each dataset version with its open caveats (what
    the version inherits): one query for the edges and one for the caveats, for any number
    of versions."""
    return Prefetch("lineage", queryset=Lineage.objects.visible_to(user).select_related(
        "dataset_version", "dataset_version__dataset").prefetch_related(
        Prefetch("dataset_version__caveats", queryset=Caveat.objects.filter(
            status=Caveat.Status.OPEN).select_related("raised_by").order_by("created_at", "pk"))))


def model_versions_with_lineage(*, user: User, model: MLModel) -> QuerySet[ModelVersion]:
    return model.versions.select_related("trained_by", "model").prefetch_related(
        # each version lists its dataset versions and their caveats: two queries for all versions
        lineage_with_caveats(user=user),
        # and the aliases naming it: one query for all versions
        Prefetch("aliases", queryset=ModelAlias.objects.order_by("name")))


def model_aliases(*, model: MLModel) -> QuerySet[ModelAlias]:
    return model.aliases.select_related("version", "updated_by").order_by("name")


def model_version_by_alias(*, user: User, model: MLModel, alias: str) -> ModelVersion | None:
    """The version `alias` names (None when `model` has no such alias)."""
    number = model.aliases.filter(name=alias).values_list("version__number", flat=True).first()
    if number is None:
        return None
    return model_versions_with_lineage(user=user, model=model).select_related("created_by").get(
        number=number)


def model_version_search(*, user: User) -> QuerySet[ModelVersion]:
    """Every version `user` may see, across models, newest first, with what a row shows."""
    return (ModelVersion.objects.visible_to(user)
            .select_related("model", "trained_by", "created_by")
            .prefetch_related(
                # each row lists its dataset versions (and caveats) and aliases: 3 queries a page
                lineage_with_caveats(user=user),
                Prefetch("aliases", queryset=ModelAlias.objects.order_by("name")))
            .order_by("-created_at", "-pk"))


def caveats_of(*, dataset_version: DatasetVersion) -> QuerySet[Caveat]:
    """A dataset version's caveats, open first, newest first (its readers read them all)."""
    return (dataset_version.caveats.select_related("raised_by", "resolved_by")
            .order_by("status", "-created_at", "-pk"))


def versions_to_compare(*, user: User, model: MLModel, numbers: list[int]) -> list[ModelVersion]:
    """The versions numbered `numbers`, in that order; a ValidationError naming the missing."""
    found = {v.number: v for v in model_versions_with_lineage(user=user, model=model)
             .filter(number__in=numbers)}
    missing = [str(n) for n in numbers if n not in found]
    if missing:
        raise ValidationError({"versions": f"{model} has no version {', '.join(missing)}."})
    return [found[n] for n in numbers]


def attach_version_rows(versions: list[ModelVersion], *, user: User) -> list[ModelVersion]:
    """What ModelVersionOut shows of each version's aliases, lineage (that `user` may see) and
    inherited open caveats, read for a whole page in three small queries of plain rows and
    attached as `version.api_rows`: the version search is a hot read, and the prefetch
    machinery (a manager and a queryset per version and relation) costs more than the queries."""
    ids = [v.pk for v in versions]
    rows: dict[int, dict[str, list]] = {pk: {"aliases": [], "lineage": [], "caveats": []} for pk in ids}
    for version_id, name in ModelAlias.objects.filter(version_id__in=ids).order_by(
            "name").values_list("version_id", "name"):
        rows[version_id]["aliases"].append(name)
    used: dict[int, set[int]] = {}
    for version_id, dv_id, dataset, label, use in (
            Lineage.objects.visible_to(user).filter(model_version_id__in=ids).order_by("use", "pk")
            .values_list("model_version_id", "dataset_version_id", "dataset_version__dataset__slug",
                         "dataset_version__label", "use")):
        rows[version_id]["lineage"].append({"dataset": dataset, "version": label, "use": use})
        used.setdefault(dv_id, set()).add(version_id)
    if used:
        caveats = (Caveat.objects.filter(status=Caveat.Status.OPEN, dataset_version_id__in=list(used))
                   .select_related("raised_by", "dataset_version__dataset").order_by("created_at", "pk"))
        for caveat in caveats:
            for version_id in sorted(used[caveat.dataset_version_id]):
                if all(c.pk != caveat.pk for c in rows[version_id]["caveats"]):
                    rows[version_id]["caveats"].append(caveat)
    for version in versions:
        version.api_rows = rows[version.pk]
    return versions
