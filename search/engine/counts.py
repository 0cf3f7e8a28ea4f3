"""Kind and facet counts: from the pre-aggregated buckets when there is neither query nor
filter, from the candidates' keys otherwise; and the facet values a page shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from django.db.models import Count, F, Max, Q, QuerySet, Sum

from registry.models import Project, Visibility
from registry.permissions import User
from registry.visibility import document_grant_parts
from search.engine.candidates import Candidates
from search.engine.results import CATALOG_FACETS, MAX_FACET_VALUES, FacetValue
from search.models import SearchDocument, SearchFacet, SearchFacetCount


def _visible_private_projects(user: User) -> QuerySet:
    return Project.objects.visible_to(user).filter(visibility=Visibility.PRIVATE).values("pk")


def bucket_counts(user: User, kinds: list[str], facet_names: Iterable[str]) -> list[dict]:
    """Counts of every (kind, facet, value) `user` may see, with no query and no filter:
    the pre-aggregated buckets they see (every signed-in user's, their private projects')
    plus an exact count of the few documents they see only through their team or a role
    in a private project they cannot read. The permission rule runs in SQL either way."""
    if not user.is_authenticated:
        return []
    counts = SearchFacetCount.objects.filter(facet__in=facet_names, n__gt=0)
    facets = SearchFacet.objects.filter(facet__in=facet_names,
                                        document__private_scope_id__isnull=False)
    if kinds:
        counts, facets = counts.filter(kind__in=kinds), facets.filter(document__kind__in=kinds)
    group = ("kind", "facet", "value")
    if user.is_staff:
        return list(counts.values(*group).annotate(n=Sum("n"), label=Max("label")).order_by())
    own = _visible_private_projects(user)
    rows = list(counts.filter(Q(bucket=0) | Q(bucket__in=own))
                .values(*group).annotate(n=Sum("n"), label=Max("label")).order_by())
    # in a private project they cannot read, a user sees only what the grants show them: each
    # grant read through its own index (owner team: the partial private-scope index), united
    private = SearchDocument.objects.filter(private_scope_id__isnull=False).exclude(
        private_scope_id__in=own)
    first, *rest = [private.filter(part).values("id")
                    for part in document_grant_parts(user)]
    extra = (facets.filter(document_id__in=first.union(*rest))
             .values(kind=F("document__kind"), facet_name=F("facet"), facet_value=F("value"))
             .annotate(n=Count("id"), label=Max("label")).order_by())
    totals: dict[tuple[str, str, str], dict] = {(r["kind"], r["facet"], r["value"]): r for r in rows}
    for row in extra:
        key = (row["kind"], row["facet_name"], row["facet_value"])
        if key in totals:
            totals[key]["n"] += row["n"]
        else:
            totals[key] = {"kind": key[0], "facet": key[1], "value": key[2], "n": row["n"],
                           "label": row["label"]}
    return list(totals.values())


def facet_values(rows: Iterable[dict], filters: Mapping[str, list[str]]) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {name: [] for name in CATALOG_FACETS}
    for row in rows:
        if row["facet"] in facets and row["n"]:
            selected = row["value"] in filters.get(row["facet"], [])
            facets[row["facet"]].append(FacetValue(row["value"], row["label"], row["n"], selected))
    for name, values in facets.items():
        shown = {v.value for v in values}
        values += [FacetValue(v, v, 0, True) for v in filters.get(name, []) if v not in shown]
        values.sort(key=lambda v: (not v.selected, -v.count, v.label.lower()))
        del values[MAX_FACET_VALUES:]
    return facets


def candidate_facets(candidates: Candidates) -> list[dict]:
    """Catalog facet counts over the (capped) candidate datasets, from the keys the candidate
    statement brought back; one small statement reads the labels of the values found."""
    counts = Counter(key for key in candidates.facet_keys("dataset")
                     if key.split(":", 1)[0] in CATALOG_FACETS)
    if not counts:
        return []
    pairs = [key.split(":", 1) for key in counts]
    labels = {(r["facet"], r["value"]): r["label"] for r in SearchFacetCount.objects.filter(
        kind="dataset", facet__in={f for f, _ in pairs}, value__in={v for _, v in pairs})
        .values("facet", "value").annotate(label=Max("label")).order_by()}
    return [{"facet": f, "value": v, "n": counts[f"{f}:{v}"], "label": labels.get((f, v), v)}
            for f, v in pairs]
