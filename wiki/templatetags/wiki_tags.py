"""Template tags that show wiki content beside registry objects.

`documentation_for` is a placeholder until the wiki (Part 2) lands: it renders the
"Documentation" section of a project, dataset or model page.
"""

from django import template

register = template.Library()


@register.inclusion_tag("wiki/_documentation.html", takes_context=True)
def documentation_for(context: dict, target: object) -> dict:
    return {"target": target, "documents": [], "linked_from": []}
