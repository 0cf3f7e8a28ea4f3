"""Template tags that show wiki content beside registry objects.

`{% documentation_for target %}` renders the "Documentation" / "Linked from" section of a
project, dataset or model page: the pages documenting it and the pages linking to it, only
those the reader may see, with a "New page from template" entry point.
"""

from __future__ import annotations

from typing import Any

from django import template

from registry.models import Dataset, MLModel, ModelVersion, Project
from wiki import selectors
from wiki.permissions import can_edit_space_of
from wiki.refs import DocRef, space_key, space_owner

register = template.Library()

SUGGESTED_TEMPLATE = {Project: "project-charter", Dataset: "datasheet", MLModel: "model-card",
                      ModelVersion: "model-card"}


@register.inclusion_tag("wiki/_documentation.html", takes_context=True)
def documentation_for(context: dict, target: object) -> dict[str, Any]:
    user = context["request"].user
    owner = space_owner(target)
    documents = list(selectors.pages_documenting(target, user=user)[:50])
    shown = {p.pk for p in documents}
    linked_from = [p for p in selectors.pages_linking_to(target, user=user)[:50] if p.pk not in shown]
    can_write = can_edit_space_of(user, owner)
    return {
        "target": target, "documents": documents, "linked_from": linked_from,
        "can_write": can_write, "space_key": space_key(owner), "documents_ref": str(DocRef.of(target)),
        "suggested": SUGGESTED_TEMPLATE.get(type(target)),
        "templates": selectors.templates_for(user=user) if can_write else [],
    }
