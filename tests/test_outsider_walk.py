"""The outsider walk (issue #11): every route of the web UI and of the API, its path filled with
the private demo objects and each list's filters given their slugs, requested by people who may
not see them — a person in no team, a member of another team, and that member's read-only
token. No response names a private object: not a name, a slug, a page title or a column, in a
page, a list, a count, a feed, a filter, a suggestion or an error.

The routes come from Django's URL resolver (tests/routes.py) and from the OpenAPI schema, so a
new route is walked without anyone touching this file — and a route whose path parameters
this file cannot fill fails the walk until it is given a filler.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode

import pytest
from django.core.management import call_command
from django.utils.html import escape
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.services import api_token_create
from lifecycle.models import Sprint
from registry.models import Dataset, DatasetColumn, MLModel, Person, Project, RoleAssignment
from tests.routes import demo_objects, ui_routes
from webhooks.models import Subscription
from wiki.models import Page

pytestmark = [pytest.mark.django_db]

PRIVATE_PROJECT = "credit-limit-advisor"
TOKEN = "a read-only token of another team's member"


@dataclasses.dataclass
class Private:
    """The private demo objects the walk aims at, and the words that must never come back."""

    project: Project
    dataset: Dataset
    model: MLModel
    page: Page
    sprint: Sprint
    secrets: list[str]


def private_objects(viewer: Person) -> Private:
    project = Project.objects.get(slug=PRIVATE_PROJECT)
    assert not Project.objects.visible_to(viewer).filter(pk=project.pk).exists()
    hidden_projects = Project.objects.exclude(pk__in=Project.objects.visible_to(viewer))
    hidden_datasets = Dataset.objects.exclude(pk__in=Dataset.objects.visible_to(viewer))
    hidden_models = MLModel.objects.exclude(pk__in=MLModel.objects.visible_to(viewer))
    hidden_pages = Page.objects.exclude(pk__in=Page.objects.visible_to(viewer))
    words = {w for obj in [*hidden_projects, *hidden_datasets, *hidden_models]
             for w in (obj.name, obj.slug)}
    words |= {w for page in hidden_pages for w in (page.title, page.slug)}
    seen_columns = set(DatasetColumn.objects.filter(dataset__in=Dataset.objects.visible_to(viewer))
                       .values_list("name", flat=True))
    words |= set(DatasetColumn.objects.filter(dataset__in=hidden_datasets)
                 .exclude(name__in=seen_columns).values_list("name", flat=True))
    # a word that is also part of something the viewer may see proves nothing
    seen = [w for obj in [*Project.objects.visible_to(viewer), *Dataset.objects.visible_to(viewer),
                          *MLModel.objects.visible_to(viewer), *Page.objects.visible_to(viewer)]
            for w in (str(obj), obj.slug)]
    secrets = sorted(w for w in words if len(w) >= 6 and not any(w in s for s in seen))
    assert PRIVATE_PROJECT in secrets and "Credit limit advisor" in secrets
    dataset = Dataset.objects.filter(home_project=project).order_by("pk").first()
    return Private(project=project, dataset=dataset, model=project.models.order_by("pk").first(),
                   page=Page.objects.filter(space__project=project).order_by("pk").first(),
                   sprint=project.sprints.order_by("number").first(), secrets=secrets)


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def personas(demo):
    """(label, viewer, client) for a person in no team, a member of another team, and that
    member's read-only token."""
    newcomer = Person.objects.create_user("newcomer", password="pw")
    member = Person.objects.get(username="emeka")  # Customer Insights
    assert not RoleAssignment.objects.filter(person=member, project__slug=PRIVATE_PROJECT).exists()
    _, token = api_token_create(user=member, name="read", read_only=True)
    read_only = APIClient()
    read_only.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    clients = []
    for label, person in (("a person in no team", newcomer), ("a member of another team", member)):
        client = APIClient()
        client.force_login(person)
        clients.append((label, person, client))
    clients.append((TOKEN, member, read_only))
    return clients


def leaks(body: str, secrets: list[str], asked: str) -> list[str]:
    """The secrets a body names, ignoring the request's own query echoed back (in a search box
    or pagination links): the asker already knew what they typed."""
    echoes = {asked, asked.replace("&", "&amp;")}
    echoes |= {value for _, value in parse_qsl(asked)} | {escape(v) for _, v in parse_qsl(asked)}
    for echo in sorted(echoes - {""}, key=len, reverse=True):
        body = body.replace(echo, "")
    return [secret for secret in secrets if re.search(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", body)]


# --- the web UI -------------------------------------------------------------------------------
# Query strings that aim every list's filters at the private project (and its words).
UI_FILTERS = ["project={project}", "team=risk-ml", "q={project}", "q=credit+limit+advisor",
              "q=credt+limit+advisr", "documents=project:{project}", "target={project}",
              "tag=credit", "stage=validation"]


def ui_requests(private: Private, viewer: Person) -> Iterator[tuple[str, str]]:
    objects = dataclasses.replace(
        demo_objects(), person=viewer, project=private.project, dataset=private.dataset,
        dataset_version=private.dataset.versions.order_by("pk").first(), model=private.model,
        model_version=private.model.versions.order_by("number").first(), space=private.page.space,
        page=private.page, sprint=private.sprint,
        action_item=private.sprint.action_items.order_by("pk").first()
        or demo_objects().action_item,
        role_assignment=RoleAssignment.objects.filter(project=private.project).order_by("pk").first())
    for route in ui_routes(objects):
        yield route.method, route.url
        if route.method == "GET" and "<" not in route.route:
            for query in UI_FILTERS:
                yield "GET", f"{route.url}?{query.format(project=private.project.slug)}"


def _answer(client, method: str, url: str) -> tuple[int, str]:
    send = getattr(client, method.lower())
    response = send(url) if method == "GET" else send(url, {}, format="json")
    return response.status_code, response.content.decode(errors="replace")


def walk(client, viewer: Person, requests: Iterator[tuple[str, str]], private: Private, *,
         session: bool) -> list[tuple]:
    """Each request's failures: a 500, a private word in the answer, or a filter that answers
    a hidden slug otherwise than an unknown one."""
    failures = []
    for method, url in requests:
        if session:
            client.force_login(viewer)  # a POST to a form's action may have signed them out
        status, body = _answer(client, method, url)
        asked = url.partition("?")[2]
        found = leaks(body, private.secrets, asked)
        if status >= 500 or found:
            failures.append((method, url, status, found))
        if PRIVATE_PROJECT in asked:
            unknown = url.replace(PRIVATE_PROJECT, "no-such-project")
            if session:
                client.force_login(viewer)
            other_status, _ = _answer(client, method, unknown)
            if other_status != status:
                failures.append((method, url, f"{status}, but {other_status} for an unknown slug"))
    return failures


def test_no_web_page_names_a_private_object_to_an_outsider(personas):
    failures = []
    for label, viewer, client in personas[:2]:
        private = private_objects(viewer)
        failures += [(label, *f) for f in walk(client, viewer, ui_requests(private, viewer), private,
                                               session=True)]
    assert failures == []


# --- the API -----------------------------------------------------------------------------------
def _schema_operations() -> Iterator[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


class UnfilledParameter(AssertionError):
    pass


def _fill(path: str, private: Private) -> str:
    """The API path with its parameters naming the private objects; an unknown parameter
    fails the walk (give it a filler here)."""
    project, model, page = private.project, private.model, private.page
    revision = page.revisions.order_by("number").first()
    hook = Subscription.objects.filter(team=project.team).order_by("pk").first()
    fillers = {
        ("projects", "slug"): project.slug, ("datasets", "slug"): private.dataset.slug,
        ("models", "slug"): model.slug, ("teams", "slug"): project.team.slug,
        ("roles", "slug"): "reviewer", ("pages", "slug"): page.slug, ("spaces", "space"): page.space.key,
        ("versions", "label"): private.dataset.versions.order_by("pk").first().label,
        ("versions", "number"): model.versions.order_by("number").first().number,
        ("sprints", "number"): private.sprint.number, ("revisions", "number"): revision.number,
        ("roles", "id"): RoleAssignment.objects.filter(project=project).order_by("pk").first().pk,
        ("action-items", "id"): private.sprint.action_items.order_by("pk").first().pk,
        ("gates", "stage"): "deployment", ("members", "username"): "amara",
        ("people", "username"): "amara", ("templates", "kind"): "model-card",
        ("aliases", "alias"): "champion",
        ("caveats", "id"): private.dataset.versions.order_by("pk").first().caveats.get().pk,
        ("webhooks", "id"): hook.pk, ("deliveries", "delivery"): hook.deliveries.first().pk,
    }
    parts = path.split("/")
    for index, part in enumerate(parts):
        match = re.fullmatch(r"\{(\w+)\}", part)
        if match:
            key = (parts[index - 1], match.group(1))
            if key not in fillers:
                raise UnfilledParameter(f"{path}: no private value for {key} in tests/test_outsider_walk.py")
            parts[index] = str(fillers[key])
    return "/".join(parts)


API_FILTER_VALUES = {"project": PRIVATE_PROJECT, "target": PRIVATE_PROJECT, "q": "credit limit advisor",
                     "documents": f"project:{PRIVATE_PROJECT}", "space": f"project-{PRIVATE_PROJECT}",
                     "team": "risk-ml", "tag": "credit", "type": "project", "stage": "validation"}


def api_requests(private: Private) -> Iterator[tuple[str, str]]:
    for method, path, operation in _schema_operations():
        url = _fill(path, private)
        yield method, url
        if method == "GET":
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                if parameter["in"] == "query" and name in API_FILTER_VALUES:
                    yield method, f"{url}?{urlencode({name: API_FILTER_VALUES[name]})}"
            if path.endswith("/search/"):
                yield method, f"{url}?q=credt+limit+advisr"


def test_no_api_answer_names_a_private_object_to_an_outsider(personas):
    failures = []
    for label, viewer, client in personas:
        private = private_objects(viewer)
        failures += [(label, *f) for f in walk(client, viewer, api_requests(private), private,
                                               session=label != TOKEN)]
    assert failures == []


def test_a_new_api_parameter_without_a_filler_fails_the_walk(personas):
    private = private_objects(personas[0][1])
    with pytest.raises(UnfilledParameter):
        _fill("/api/v1/projects/{slug}/widgets/{widget}/", private)
