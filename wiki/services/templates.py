"""Page templates: created by a team, edited by it (built-in ones by staff)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from config.exceptions import ApplicationError
from registry.models import Person, Team
from registry.services import activity_record
from wiki.models import Template
from wiki.services.pages import _clean_body


def _sections_from(value: Iterable[str]) -> list[str]:
    sections = [s.strip() for s in value if s.strip()]
    if len({s.casefold() for s in sections}) != len(sections):
        raise ValidationError({"required_sections": "A section is listed twice."})
    return sections


@transaction.atomic
def template_create(
    *, kind: str, name: str, team: Team, by: Person, body: str = "", description: str = "",
    required_sections: Iterable[str] = (),
) -> Template:
    if Template.objects.filter(kind=kind).exists():
        raise ValidationError({"kind": f"A template “{kind}” already exists."})
    template = Template(kind=kind, name=name.strip(), team=team, body=_clean_body(body),
                        description=description, required_sections=_sections_from(required_sections))
    template.full_clean()
    template.save()
    activity_record(actor=by, verb="created template", target=template)
    return template


@transaction.atomic
def template_update(
    *, template: Template, by: Person, name: str, body: str, description: str = "",
    required_sections: Iterable[str] = (),
) -> Template:
    if template.builtin and not by.is_staff:
        raise ApplicationError("Built-in templates are changed by staff only.")
    template.name, template.body, template.description = name.strip(), _clean_body(body), description
    template.required_sections = _sections_from(required_sections)
    template.full_clean()
    template.save()
    activity_record(actor=by, verb="edited template", target=template)
    return template

