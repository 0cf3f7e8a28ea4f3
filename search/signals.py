"""Keeps the search index in step with the registry.

Signals are acceptable here, unlike for domain rules, because the index is a derived read
model: nothing in the registry depends on it, and a stale row is repaired by reindexing.
Each hook only marks what changed (`search.index.mark`, no query); the marked objects are
indexed once, when the transaction commits. Together the hooks catch every write:
  * post_save / post_delete of an indexed model (kinds registered in `search.kinds`);
    a project's stage and visibility also show on its datasets and move the documents under
    it, which the flush sees by comparing the project's document before and after;
  * m2m_changed for dataset tags and project-dataset links;
  * post_save of Activity: services change some things with queryset updates and
    bulk inserts (a dataset's schema, its versions), which send no model signal, but every
    service records an Activity naming its target, so the target is marked then.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from registry.models import Activity, Dataset, Project, Team
from search import index
from search.kinds import KINDS, kinds_for_model
from search.models import SearchFacet, SearchFacetCount


def _mark(model: type[Model] | None, pks: Any, *, new: bool = False) -> None:
    for kind in kinds_for_model(model) if model else []:
        index.mark(kind.name, pks, new=new)


def _saved(sender: type[Model], instance: Model, created: bool = False, raw: bool = False,
           **kwargs: Any) -> None:
    if raw:  # loaddata: rebuild_search_index afterwards
        return
    _mark(sender, [instance.pk], new=created)


def _deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    _mark(sender, [instance.pk])


def _tags_changed(sender: type[Model], instance: Model, action: str, reverse: bool,
                  pk_set: set[int] | None, **kwargs: Any) -> None:
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            _mark(type(instance), [instance.pk])
    elif action == "pre_clear":  # a tag cleared from its side: after the fact they are unknown
        index.mark("dataset", instance.datasets.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove"):
        index.mark("dataset", pk_set or [])


def _links_changed(sender: type[Model], instance: Model, action: str, reverse: bool,
                   pk_set: set[int] | None, **kwargs: Any) -> None:
    if reverse:  # the dataset's side
        if action in ("post_add", "post_remove", "post_clear"):
            index.mark("dataset", [instance.pk])
    elif action == "pre_clear":  # the project's side: after the fact they are unknown
        index.mark("dataset", instance.datasets.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove"):
        index.mark("dataset", pk_set or [])


def _activity(sender: type[Model], instance: Activity, created: bool, raw: bool = False,
              **kwargs: Any) -> None:
    if created and not raw:
        _mark(instance.target_type.model_class(), [instance.target_id])


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
        # one receiver per model: it marks every kind of that model
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{model._meta.label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-del-{model._meta.label}")
    m2m_changed.connect(_tags_changed, sender=Dataset.tags.through, dispatch_uid="search-tags")
    m2m_changed.connect(_links_changed, sender=Project.datasets.through, dispatch_uid="search-links")
    post_save.connect(_activity, sender=Activity, dispatch_uid="search-activity")
    post_save.connect(_team_saved, sender=Team, dispatch_uid="search-team")
