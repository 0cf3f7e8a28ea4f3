"""Template tags that show wiki content beside registry objects.

`{% documentation_for target %}` renders the "Documentation" / "Linked from" section of a
project, dataset or model page: the pages documenting it and the pages linking to it, only
those the reader may see, with a "New page from template" entry point.
"""

from __future__ import annotations

from typing import Any

from django import template

from registry.models import Dataset, MLModel, ModelVersion, Project, Team
from wiki import selectors
from wiki.permissions import can_edit_space_of

register = template.Library()

SUGGESTED_TEMPLATE = {Project: "project-charter", Dataset: "datasheet", MLModel: "model-card",
                      ModelVersion: "model-card"}
REF_KIND = {Project: "project", Dataset: "dataset", MLModel: "model"}


def _space_owner(target: object) -> Team | Project:
    if isinstance(target, Project):
        return target
    if isinstance(target, Dataset):
        return target.home_project or target.team
    if isinstance(target, ModelVersion):
        target = target.model
    return target.project


def _ref(target: object) -> str:
    if isinstance(target, ModelVersion):
        return f"model:{target.model.slug}@{target.number}"
    return f"{REF_KIND[type(target)]}:{target.slug}"


@register.inclusion_tag("wiki/_documentation.html", takes_context=True)
def documentation_for(context: dict, target: object) -> dict[str, Any]:
    user = context["request"].user
    owner = _space_owner(target)
    documents = list(selectors.pages_documenting(target, user=user)[:50])
    shown = {p.pk for p in documents}
    linked_from = [p for p in selectors.pages_linking_to(target, user=user)[:50] if p.pk not in shown]
    can_write = can_edit_space_of(user, owner)
    key = f"project-{owner.slug}" if isinstance(owner, Project) else f"team-{owner.slug}"
    return {
        "target": target, "documents": documents, "linked_from": linked_from,
        "can_write": can_write, "space_key": key, "documents_ref": _ref(target),
        "suggested": SUGGESTED_TEMPLATE.get(type(target)),
        "templates": selectors.templates_for(user=user) if can_write else [],
    }
