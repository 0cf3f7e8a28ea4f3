"""Shapes of wiki input. Rules live in the services."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from registry.permissions import User
from wiki.models import Page, Space, Template
from wiki.refs import EXAMPLE, parse_many, resolve_ordered


def parse_tags(value: str) -> list[str]:
    names = [t.strip().lower() for t in value.split(",") if t.strip()]
    bad = [n for n in names if not re.match(r"^[a-z0-9_-]{1,50}$", n)]
    if bad:
        raise forms.ValidationError(f"Tags are single words separated by commas: {', '.join(bad)}.")
    return names


def resolve_documents(user: User, value: str) -> list[object]:
    """`dataset:slug, model:slug@3, project:slug` → the objects, among those `user` sees."""
    refs, bad = parse_many(value)
    objects, missing = resolve_ordered(refs, user=user)
    unknown = bad + [str(ref) for ref in missing]
    if unknown:
        raise forms.ValidationError(f"Not found: {', '.join(unknown)}. Write kind:slug, e.g. {EXAMPLE}.")
    return objects


class PageForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=120, required=False,
                           help_text="Part of the address; made from the title when left empty.")
    parent = forms.CharField(max_length=120, required=False, label="Parent page (slug)")
    tags = forms.CharField(max_length=300, required=False, help_text="Comma-separated.")
    documents = forms.CharField(
        max_length=1000, required=False, label="Documents",
        help_text="What this page documents: project:slug, dataset:slug, model:slug or model:slug@3.")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 24, "data-markdown-source": ""}),
                           required=False, strip=False)
    summary = forms.CharField(max_length=300, required=False, label="Summary of this change")
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    template = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, space: Space, page: Page | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.space, self.page = user, space, page
        if page is not None:
            del self.fields["slug"]
            del self.fields["template"]
            self.fields["base_revision"].required = True

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the page a title.")
        return title

    def clean_parent(self) -> Page | None:
        slug = self.cleaned_data["parent"].strip()
        if not slug:
            return None
        parent = self.space.pages.filter(slug=slug, deleted_at__isnull=True).first()
        if parent is None:
            raise forms.ValidationError(f"This space has no page “{slug}”.")
        return parent

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data["tags"])

    def clean_documents(self) -> list[object]:
        return resolve_documents(self.user, self.cleaned_data["documents"])

    def clean_template(self) -> Template | None:
        kind = self.cleaned_data.get("template", "").strip()
        if not kind:
            return None
        template = Template.objects.filter(kind=kind).first()
        if template is None:
            raise forms.ValidationError(f"There is no template “{kind}”.")
        return template


class TemplateForm(forms.Form):
    kind = forms.SlugField(max_length=80, label="Key", help_text="A stable key, e.g. experiment-log.")
    name = forms.CharField(max_length=120)
    team = forms.ModelChoiceField(queryset=None)
    description = forms.CharField(max_length=300, required=False)
    required_sections = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False,
        help_text="One section title per line; pages from this template must fill each in.")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}), required=False, strip=False,
                           help_text="The markdown skeleton; use ## headings for the sections.")

    def __init__(self, *args: Any, teams: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams

    def clean_required_sections(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["required_sections"].splitlines()
                if line.strip()]
