"""Keeps the search index in step with the registry.

Signals are acceptable here, unlike for domain rules, because the index is a derived read
model: nothing in the registry depends on it, and a stale row is repaired by reindexing.
Three hooks together catch every write:
  * post_save / post_delete of an indexed model (kinds registered in `search.kinds`);
  * m2m_changed for dataset tags and project-dataset links;
  * post_save of Activity: services change some things with queryset updates and
    bulk inserts (a dataset's schema, its versions), which send no model signal, but every
    service records an Activity naming its target, so the target is reindexed then.
Indexing runs in the writer's transaction, so a search right after a write sees it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from registry.models import Activity, Dataset, Project, Team
from search import index
from search.kinds import KINDS, kinds_for_model
from search.models import SearchDocument, SearchFacet, SearchFacetCount


def _saved(sender: type[Model], instance: Model, created: bool = False, raw: bool = False,
           **kwargs: Any) -> None:
    if raw:  # loaddata: rebuild_search_index afterwards
        return
    index.index_object(instance, new=created)
    if isinstance(instance, Project):
        # its stage (and visibility) show in the stage facet of the datasets it uses
        index.index_objects("dataset", instance.datasets.values_list("pk", flat=True))
        # and its visibility decides which count bucket the documents under it fall in
        index.rescope_project(instance.pk)


def _deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    for kind in kinds_for_model(sender):
        index.unindex_object(kind.name, instance.pk)
    if isinstance(instance, Project):
        # datasets that lived under it had their home project cleared by the delete
        orphans = SearchDocument.objects.filter(scope_project_id=instance.pk, kind="dataset")
        index.index_objects("dataset", list(orphans.values_list("object_id", flat=True)))
        index.rescope_project(instance.pk)


def _tags_changed(sender: type[Model], instance: Model, action: str, reverse: bool,
                  pk_set: set[int] | None, **kwargs: Any) -> None:
    if action == "pre_clear" and reverse:
        # a tag cleared from its side: after the fact the datasets are unknown
        instance._search_cleared = list(instance.datasets.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        if not reverse:
            index.index_object(instance)
        else:
            index.index_objects("dataset", pk_set or getattr(instance, "_search_cleared", []))


def _links_changed(sender: type[Model], instance: Model, action: str, reverse: bool,
                   pk_set: set[int] | None, **kwargs: Any) -> None:
    if action == "pre_clear":
        instance._search_cleared = list(  # carried to post_clear
            instance.datasets.values_list("pk", flat=True) if not reverse else [instance.pk])
    elif action == "post_clear":
        index.index_objects("dataset", getattr(instance, "_search_cleared", []))
    elif action in ("post_add", "post_remove"):
        index.index_objects("dataset", [instance.pk] if reverse else (pk_set or []))


# Verbs recorded right after the service saved the target itself: post_save has indexed it.
SAVED_VERBS = {"created", "updated"}


def _activity(sender: type[Model], instance: Activity, created: bool, raw: bool = False,
              **kwargs: Any) -> None:
    if not created or raw or instance.verb in SAVED_VERBS:
        return
    model = instance.target_type.model_class()
    for kind in kinds_for_model(model) if model else []:
        index.index_objects(kind.name, [instance.target_id])


def _team_saved(sender: type[Model], instance: Team, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    # a team's slug never changes; its name shows on every document it owns or hosts
    SearchFacet.objects.filter(facet="team", value=instance.slug).update(label=instance.name)
    SearchFacetCount.objects.filter(facet="team", value=instance.slug).update(label=instance.name)


def connect() -> None:
    """Keep the index in step: each registered kind's save and delete, and the hooks that are
    not one kind's own."""
    for model in {kind.model for kind in KINDS.values()}:
        # one receiver per model: it (re)indexes every kind of that model
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{model._meta.label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-del-{model._meta.label}")
    m2m_changed.connect(_tags_changed, sender=Dataset.tags.through, dispatch_uid="search-tags")
    m2m_changed.connect(_links_changed, sender=Project.datasets.through, dispatch_uid="search-links")
    post_save.connect(_activity, sender=Activity, dispatch_uid="search-activity")
    post_save.connect(_team_saved, sender=Team, dispatch_uid="search-team")
