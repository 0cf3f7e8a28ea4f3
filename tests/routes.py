"""Every route of the web UI, with its path parameters filled from the demo data.

    call_command("seed_demo")
    for route in ui_routes(demo_objects()):
        client.get(route.url) if route.method == "GET" else client.post(route.url)

`ui_routes` walks Django's URL resolver (every pattern, recursively, except /api/ and
/admin/), so a route added to any urls.py is in the list without anyone touching this file.
A pattern with path parameters must have a filler in `PARAMETERS`; one without raises
`UnfilledRoute`, so a test built on this list fails until the new page is given demo
values (and is then checked too).

Each route says how it is used: `method` is "GET" for what a browser opens and "POST" for
what only a form submits; `page` is True when a GET answers an HTML page a person reads
(the accessibility walk checks exactly those). The routes that are not pages are listed,
with the reason, in `NOT_PAGES`; the accessibility walk checks that each still answers the
way its reason says (405 to a GET, JSON), so the list cannot hide a page.

The demo objects are chosen so that the `demo` user (a member of Risk ML) can read and
write all of them: every page then opens in its full form (edit buttons, forms). A test
that wants other objects (say, a private project for an outsider) passes its own
`DemoObjects`, e.g. `dataclasses.replace(demo_objects(), project=...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import ApiToken
from lifecycle.models import ActionItem, Sprint
from notifications.models import Notification
from registry.models import (
    Dataset,
    DatasetVersion,
    MLModel,
    ModelVersion,
    Person,
    Project,
    RoleAssignment,
    Team,
)
from webhooks.models import Subscription
from wiki.models import Page, Space, Template

EXCLUDED_PREFIXES = ("api/", "admin/")

POST_ONLY = "POST only: a form's action, a GET answers 405"
NOT_PAGES: dict[str, str] = {
    "logout": POST_ONLY,
    "accounts:token_revoke": POST_ONLY,
    "lifecycle:action_item_update": POST_ONLY,
    "lifecycle:retrospective_write": POST_ONLY,
    "lifecycle:action_item_add": POST_ONLY,
    "lifecycle:page_approve": POST_ONLY,
    "lifecycle:page_request_review": POST_ONLY,
    "wiki:preview": POST_ONLY,
    "wiki:page_revert": POST_ONLY,
    "wiki:page_delete": POST_ONLY,
    "wiki:page_restore": POST_ONLY,
    "wiki:page_purge": POST_ONLY,
    "registry:team_member_set": POST_ONLY,
    "registry:team_member_remove": POST_ONLY,
    "registry:project_transition": POST_ONLY,
    "registry:model_version_status": POST_ONLY,
    "registry:model_version_alias": POST_ONLY,
    "registry:model_alias_remove": POST_ONLY,
    "registry:caveat_raise": POST_ONLY,
    "registry:caveat_resolve": POST_ONLY,
    "registry:role_assign": POST_ONLY,
    "registry:role_unassign": POST_ONLY,
    "notifications:read": POST_ONLY,
    "monitoring:record_add": POST_ONLY,
    "monitoring:drift_resolve": POST_ONLY,
    "notifications:read_all": POST_ONLY,
    "webhooks:ping": POST_ONLY,
    "webhooks:toggle": POST_ONLY,
    "webhooks:delete": POST_ONLY,
    "webhooks:redeliver": POST_ONLY,
    "integrations:unmapped_map": POST_ONLY,
}


@dataclass(frozen=True)
class DemoObjects:
    """The objects whose keys fill path parameters."""

    person: Person
    other_person: Person  # a member of `team` other than `person`
    team: Team
    project: Project
    dataset: Dataset
    dataset_version: DatasetVersion
    model: MLModel
    model_version: ModelVersion
    space: Space
    page: Page  # has at least two revisions (history, diff, revert)
    template: Template  # one `person` may edit, when there is one
    sprint: Sprint  # has a retrospective and action items
    action_item: ActionItem
    role_assignment: RoleAssignment
    token: ApiToken | None  # None: the token routes are filled with a pk that matches nothing
    gate_stage: str  # a stage whose gate checklist `project` shows
    webhook: Subscription  # the team's webhook, with a delivery


def demo_objects(username: str = "demo") -> DemoObjects:
    """Read the objects of `manage.py seed_demo` (which must have run) that `ui_routes` uses.

    The person is `username`; the objects are Risk ML's (demo's team): the card fraud
    project, its fraud-scorer model, the card-transactions dataset, sprint 1 and its
    retrospective (two revisions). Reads only, and the demo has neither an API token nor a
    team template: create them first if the routes must name real ones (otherwise the
    token routes name a token that does not exist and the template routes a built-in
    template, which only staff edit).
    """
    person = Person.objects.get(username=username)
    project = Project.objects.get(slug="card-fraud-detection")
    dataset = Dataset.objects.get(slug="card-transactions")
    model = MLModel.objects.get(slug="fraud-scorer")
    sprint = Sprint.objects.get(project=project, number=1)
    return DemoObjects(
        person=person,
        other_person=(project.team.memberships.exclude(person=person)
                      .order_by("person__username").first().person),
        team=project.team,
        project=project,
        dataset=dataset,
        dataset_version=dataset.versions.order_by("-released_on", "-pk").first(),
        model=model,
        model_version=model.versions.order_by("-number").first(),
        space=sprint.retrospective.space,
        page=sprint.retrospective,
        template=(Template.objects.filter(team=project.team).order_by("pk").first()
                  or Template.objects.get(kind="model-card")),
        sprint=sprint,
        action_item=sprint.action_items.order_by("pk").first(),
        role_assignment=RoleAssignment.objects.filter(project=project).order_by("pk").first(),
        token=ApiToken.objects.filter(user=person).order_by("pk").first(),
        gate_stage="retired",
        webhook=Subscription.objects.filter(team=project.team).order_by("pk").first(),
    )


def _page(o: DemoObjects) -> dict:
    return {"space": o.space.key, "slug": o.page.slug}


def _sprint(o: DemoObjects) -> dict:
    return {"slug": o.project.slug, "number": o.sprint.number}


def _notification_pk(o: DemoObjects) -> int:
    """One of the person's notifications (the demo seeds some), or a pk that matches nothing."""
    return Notification.objects.filter(recipient=o.person).values_list("pk", flat=True).first() or 0
def _hook(o: DemoObjects) -> dict:
    return {"slug": o.team.slug, "pk": o.webhook.pk}


def _reset_link(o: DemoObjects) -> dict:
    return {"uidb64": urlsafe_base64_encode(force_bytes(o.person.pk)),
            "token": default_token_generator.make_token(o.person)}


# URL name -> the keyword arguments of each URL to visit (several for a route that serves
# several kinds of object).
PARAMETERS: dict[str, Callable[[DemoObjects], list[dict]]] = {
    "notifications:read": lambda o: [{"pk": _notification_pk(o)}],
    "monitoring:record_add": lambda o: [{"slug": o.model.slug, "number": o.model_version.number}],
    # the demo's drift is on fraud-scorer v3: a pk that matches nothing on the version walked
    "monitoring:drift_resolve": lambda o: [{"slug": o.model.slug, "number": o.model_version.number,
                                            "pk": 0}],
    "password_reset_confirm": lambda o: [_reset_link(o)],
    "accounts:token_revoke": lambda o: [{"pk": o.token.pk if o.token else 0}],
    # the demo has no unmapped OpenLineage dataset: a pk that matches nothing
    "integrations:unmapped_map": lambda o: [{"pk": 0}],
    "lifecycle:action_item_update": lambda o: [{"pk": o.action_item.pk}],
    "lifecycle:gate_checklist": lambda o: [{"slug": o.project.slug, "stage": o.gate_stage}],
    "lifecycle:sprint_list": lambda o: [{"slug": o.project.slug}],
    "lifecycle:sprint_detail": lambda o: [_sprint(o)],
    "lifecycle:retrospective_write": lambda o: [_sprint(o)],
    "lifecycle:action_item_add": lambda o: [_sprint(o)],
    "lifecycle:page_approve": lambda o: [_page(o)],
    "lifecycle:page_request_review": lambda o: [_page(o)],
    "wiki:template_detail": lambda o: [{"kind": o.template.kind}],
    "wiki:template_edit": lambda o: [{"kind": o.template.kind}],
    "wiki:space": lambda o: [{"space": o.space.key}],
    "wiki:page_create": lambda o: [{"space": o.space.key}],
    "wiki:trash": lambda o: [{"space": o.space.key}],
    "wiki:page": lambda o: [_page(o)],
    "wiki:page_edit": lambda o: [_page(o)],
    "wiki:page_history": lambda o: [_page(o)],
    "wiki:page_diff": lambda o: [_page(o)],
    "wiki:page_revision": lambda o: [{**_page(o), "number": 1}],
    "wiki:page_revert": lambda o: [{**_page(o), "number": 1}],
    "wiki:page_delete": lambda o: [_page(o)],
    "wiki:page_restore": lambda o: [_page(o)],
    "wiki:page_purge": lambda o: [_page(o)],
    "registry:team_detail": lambda o: [{"slug": o.team.slug}],
    "registry:team_edit": lambda o: [{"slug": o.team.slug}],
    "registry:team_member_set": lambda o: [{"slug": o.team.slug}],
    "registry:team_member_remove": lambda o: [{"slug": o.team.slug,
                                               "username": o.other_person.username}],
    "registry:person_detail": lambda o: [{"username": o.person.username}],
    "registry:project_detail": lambda o: [{"slug": o.project.slug}],
    "registry:project_edit": lambda o: [{"slug": o.project.slug}],
    "registry:project_transition": lambda o: [{"slug": o.project.slug}],
    "registry:dataset_detail": lambda o: [{"slug": o.dataset.slug}],
    "registry:dataset_edit": lambda o: [{"slug": o.dataset.slug}],
    "registry:dataset_columns": lambda o: [{"slug": o.dataset.slug}],
    "registry:dataset_version_add": lambda o: [{"slug": o.dataset.slug}],
    "registry:dataset_version_detail": lambda o: [{"slug": o.dataset.slug,
                                                   "label": o.dataset_version.label}],
    "registry:caveat_raise": lambda o: [{"slug": o.dataset.slug, "label": o.dataset_version.label}],
    "registry:caveat_resolve": lambda o: [{"slug": o.dataset.slug, "label": o.dataset_version.label,
                                           "pk": 0}],
    "registry:model_detail": lambda o: [{"slug": o.model.slug}],
    "registry:model_edit": lambda o: [{"slug": o.model.slug}],
    "registry:model_compare": lambda o: [{"slug": o.model.slug}],
    "registry:model_version_add": lambda o: [{"slug": o.model.slug}],
    "registry:model_version_detail": lambda o: [{"slug": o.model.slug,
                                                 "number": o.model_version.number}],
    "registry:model_version_status": lambda o: [{"slug": o.model.slug,
                                                 "number": o.model_version.number}],
    "registry:model_version_alias": lambda o: [{"slug": o.model.slug,
                                                "number": o.model_version.number}],
    "registry:model_alias_remove": lambda o: [{"slug": o.model.slug, "alias": "champion"}],
    "registry:model_version_audit": lambda o: [{"slug": o.model.slug,
                                                "number": o.model_version.number}],
    "registry:role_assign": lambda o: [{"kind": "project", "slug": o.project.slug},
                                       {"kind": "dataset", "slug": o.dataset.slug},
                                       {"kind": "model", "slug": o.model.slug}],
    "registry:role_unassign": lambda o: [{"pk": o.role_assignment.pk}],
    "webhooks:list": lambda o: [{"slug": o.team.slug}],
    "webhooks:detail": lambda o: [_hook(o)],
    "webhooks:ping": lambda o: [_hook(o)],
    "webhooks:toggle": lambda o: [_hook(o)],
    "webhooks:delete": lambda o: [_hook(o)],
    "webhooks:redeliver": lambda o: [{**_hook(o), "delivery": o.webhook.deliveries.first().pk}],
    "registry:activity_list": lambda o: [{"kind": "project", "slug": o.project.slug},
                                         {"kind": "dataset", "slug": o.dataset.slug},
                                         {"kind": "model", "slug": o.model.slug}],
}


@dataclass(frozen=True)
class Pattern:
    name: str  # namespaced, as reverse() takes it: "registry:project_detail"
    route: str  # the whole pattern, for messages: "projects/<slug:slug>/"
    parameters: tuple[str, ...]


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    url: str
    method: str  # "GET", or "POST" for a form's action
    page: bool  # a GET answers an HTML page (what the accessibility walk checks)
    note: str = ""  # why it is not a page


class UnfilledRoute(AssertionError):
    """A URL pattern of the web UI has parameters and no filler in `PARAMETERS`."""


def ui_patterns() -> Iterator[Pattern]:
    """Every URL pattern of the web UI, from Django's resolver (not /api/, not /admin/)."""

    def walk(patterns: list, prefix: str, namespace: str | None) -> Iterator[Pattern]:
        for entry in patterns:
            route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                inner = ":".join(n for n in (namespace, entry.namespace) if n) or None
                yield from walk(entry.url_patterns, route, inner)
            elif isinstance(entry, URLPattern):
                name = ":".join(n for n in (namespace, entry.name) if n)
                yield Pattern(name=name if entry.name else "", route=route,
                              parameters=tuple(entry.pattern.regex.groupindex))

    yield from walk(get_resolver().url_patterns, "", None)


def ui_routes(objects: DemoObjects) -> list[Route]:
    """Every web UI route as URLs to request, in resolver order; see the module's docstring.

    Raises `UnfilledRoute` naming each pattern that has parameters (or no name) and no
    filler, before it fills any, so that no page escapes the tests built on this list.
    """
    patterns = list(ui_patterns())
    unfilled = [f"{p.route} ({p.name or 'no name'})" for p in patterns
                if not p.name or (p.parameters and p.name not in PARAMETERS)]
    if unfilled:
        raise UnfilledRoute(
            "These web UI routes have no demo values to fill their path parameters: "
            + "; ".join(unfilled)
            + ". Add a filler to PARAMETERS in tests/routes.py (and to NOT_PAGES if a GET "
              "does not answer a page).")
    routes = []
    for pattern in patterns:
        note = NOT_PAGES.get(pattern.name, "")
        for kwargs in PARAMETERS[pattern.name](objects) if pattern.parameters else [{}]:
            routes.append(Route(name=pattern.name, route=pattern.route,
                                url=reverse(pattern.name, kwargs=kwargs),
                                method="POST" if note == POST_ONLY else "GET",
                                page=not note, note=note))
    return routes
