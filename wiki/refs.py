"""A reference to what a page documents or links to: `project:slug`, `dataset:slug`,
`model:slug` or `model:slug@3` (a model version).

`DocRef` is the one type that parses, formats and resolves them; the page form, the API
(structured: {"type": "model_version", "slug": "fraud-scorer@3"}), wiki links, template tags
and the lifecycle's "start this page" links all use it. It also knows the wiki space a page
about an object goes to by default (`space_key`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from registry.models import Dataset, MLModel, ModelVersion, Project, Team

Documented = Project | Dataset | MLModel | ModelVersion
KINDS = ("project", "dataset", "model", "model_version")
_TEXT = re.compile(r"^(project|dataset|model):([a-z0-9]+(?:-[a-z0-9]+)*)(?:@(\d{1,6}))?$")
_MODEL_VERSION_SLUG = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)@(\d{1,6})$")
_CLASSES: dict[str, type] = {"project": Project, "dataset": Dataset, "model": MLModel,
                             "model_version": ModelVersion}
EXAMPLE = "dataset:card-transactions, model:fraud-scorer or model:fraud-scorer@3"


@dataclass(frozen=True, order=True)
class DocRef:
    kind: str  # one of KINDS
    slug: str  # the object's slug; for a model version, its model's
    number: int | None = None  # a model version's number

    # --- parse -------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> DocRef:
        """`model:fraud-scorer@3` → DocRef("model_version", "fraud-scorer", 3); ValueError
        when the text is not a reference."""
        match = _TEXT.match(text.strip())
        if not match:
            raise ValueError(f"{text.strip()!r} is not a reference; write kind:slug, e.g. {EXAMPLE}.")
        kind, slug, number = match.groups()
        if number is not None:
            if kind != "model":
                raise ValueError(f"Only a model takes a version number: {text.strip()!r}.")
            return cls("model_version", slug, int(number))
        return cls(kind, slug)

    @classmethod
    def from_api(cls, kind: str, slug: str) -> DocRef:
        """The API's structured form: {"type": "model_version", "slug": "fraud-scorer@3"}."""
        if kind == "model_version":
            match = _MODEL_VERSION_SLUG.match(slug)
            if not match:
                raise ValueError(f"A model version is model-slug@number, not {slug!r}.")
            return cls(kind, match.group(1), int(match.group(2)))
        if kind not in KINDS or not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", slug):
            raise ValueError(f"{kind}:{slug} is not a reference; e.g. {EXAMPLE}.")
        return cls(kind, slug)

    @classmethod
    def of(cls, obj: Documented) -> DocRef:
        if isinstance(obj, ModelVersion):
            return cls("model_version", obj.model.slug, obj.number)
        kind = next(k for k, c in _CLASSES.items() if isinstance(obj, c))
        return cls(kind, obj.slug)

    # --- format ----------------------------------------------------------------------------
    def __str__(self) -> str:
        if self.kind == "model_version":
            return f"model:{self.slug}@{self.number}"
        return f"{self.kind}:{self.slug}"

    def as_api(self) -> dict[str, str]:
        slug = f"{self.slug}@{self.number}" if self.kind == "model_version" else self.slug
        return {"type": self.kind, "slug": slug}


def parse_many(text: str) -> tuple[list[DocRef], list[str]]:
    """Comma- or space-separated references → (the references, the parts that are not)."""
    refs, bad = [], []
    for part in [p for p in re.split(r"[,\s]+", text or "") if p]:
        try:
            refs.append(DocRef.parse(part))
        except ValueError:
            bad.append(part)
    return refs, bad


def format_many(objects: Iterable[Documented | DocRef]) -> str:
    return ", ".join(str(o if isinstance(o, DocRef) else DocRef.of(o)) for o in objects)


def resolve(refs: Iterable[DocRef], *, user: Any | None) -> dict[DocRef, Documented]:
    """The objects `refs` name, among those `user` may read (every object with no user):
    one query per kind present, whatever the number of references."""
    refs = set(refs)
    found: dict[DocRef, Documented] = {}
    for kind in ("project", "dataset", "model"):
        slugs = {r.slug for r in refs if r.kind == kind}
        if slugs:
            qs = _CLASSES[kind].objects.filter(slug__in=slugs)
            for obj in qs if user is None else qs.visible_to(user):
                found[DocRef(kind, obj.slug)] = obj
    versions = {r for r in refs if r.kind == "model_version"}
    if versions:
        qs = ModelVersion.objects.filter(model__slug__in={r.slug for r in versions},
                                         number__in={r.number for r in versions}).select_related("model")
        for version in qs if user is None else qs.visible_to(user):
            ref = DocRef("model_version", version.model.slug, version.number)
            if ref in versions:
                found[ref] = version
    return found


def resolve_ordered(refs: list[DocRef], *, user: Any | None) -> tuple[list[Documented], list[DocRef]]:
    """`resolve`, keeping the order of `refs` without repeats: (found objects, missing refs)."""
    found = resolve(refs, user=user)
    objects: list[Documented] = []
    missing: list[DocRef] = []
    for ref in dict.fromkeys(refs):
        if ref in found:
            objects.append(found[ref])
        else:
            missing.append(ref)
    return objects, missing


# --- where pages about an object live ------------------------------------------------------
def space_owner(target: Documented) -> Team | Project:
    """The team or project whose space a page documenting `target` goes to by default."""
    if isinstance(target, Project):
        return target
    if isinstance(target, Dataset):
        return target.home_project or target.team
    if isinstance(target, ModelVersion):
        target = target.model
    return target.project


def space_key(owner: Team | Project | None) -> str:
    """The URL key of the space of a team, a project, or (None) the global space."""
    if owner is None:
        return "global"
    return f"team-{owner.slug}" if isinstance(owner, Team) else f"project-{owner.slug}"


def start_url(template_kind: str, target: Documented) -> str:
    """Where to start a page from `template_kind` documenting `target` (in its default space)."""
    query = urlencode({"template": template_kind, "documents": str(DocRef.of(target))})
    return f"{reverse('wiki:page_create', args=[space_key(space_owner(target))])}?{query}"
