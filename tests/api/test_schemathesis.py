"""Fuzz every operation of the live OpenAPI schema through the WSGI app, authenticated with a
real token of a staff user on seeded data: no 5xx, and every answer conforms to the schema.

Positive and negative data (schemathesis' default modes); path parameters are half the time
the slugs of seeded objects, so requests reach real rows and not only 404s.
"""

from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.services import api_token_create
from config.wsgi import application
from lifecycle import services as lifecycle_services
from registry.models import Lineage, RoleAssignment
from tests.factories import DatasetVersionFactory, ModelVersionFactory
from wiki import services as wiki_services

MAX_EXAMPLES = 50
pytestmark = pytest.mark.django_db


# Loaded when the module is collected: the schema view needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def keep_the_test_connection() -> Any:
    """As django.test.Client does: the WSGI app must not close the connection that holds
    the test's transaction (PostgreSQL would lose it between requests)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(keep_the_test_connection, db, staff, lead, member, viewer, outsider, project,
           private_project, private_dataset, private_model, dataset, dataset_version, model,
           model_version, reviewer, role) -> dict:
    DatasetVersionFactory(dataset=private_dataset, label="p1", created_by=member)
    Lineage.objects.create(model_version=model_version, dataset_version=dataset_version)
    ModelVersionFactory(model=private_model, number=1, created_by=member)
    assignment = RoleAssignment.objects.create(role=role("owner"), person=member, dataset=dataset)
    # the wiki and the lifecycle: a page with two revisions and an approval, a trashed page,
    # a sprint with an action item, a team template
    space = wiki_services.space_for(project)
    page = wiki_services.page_create(space=space, title="Runbook", body="one\ntwo\n", by=member,
                                     tags=["ops"], documents=[project])
    wiki_services.page_update(page=page, title="Runbook", body="one\n2\n", base_revision=1, by=member)
    lifecycle_services.page_approve(page=page, revision=2, by=reviewer)
    wiki_services.page_delete(page=wiki_services.page_create(space=space, title="Old", body="x\n",
                                                             by=member), by=member)
    sprint = lifecycle_services.sprint_create(project=project, starts_on=date(2026, 1, 5),
                                              ends_on=date(2026, 1, 16), by=member)
    item = lifecycle_services.action_item_add(sprint=sprint, text="Follow up", owner=member, by=member)
    wiki_services.template_create(kind="risk-log", name="Risk log", team=project.team, by=member)
    _, token = api_token_create(user=staff, name="schemathesis")
    return {"token": token, "assignment": assignment.pk, "item": item.pk}


KNOWN_SLUGS = {"teams": "risk", "projects": "fraud", "datasets": "transactions", "models": "scorer",
               "roles": "reviewer", "spaces": "runbook"}


def known_path(case: Any, seeded: dict) -> None:
    resource = case.operation.path.split("/")[3]
    values = {"slug": KNOWN_SLUGS.get(resource), "username": "member", "label": "2026.01",
              "number": 1, "id": seeded["assignment"], "space": "project-fraud",
              "kind": "risk-log", "stage": "data_discovery",
              "pk": seeded["item"] if resource == "action-items" else None}
    if case.operation.path.endswith(("/restore/", "/purge/")):
        values["slug"] = "old"
    for name in list(case.path_parameters or {}):
        if values.get(name) is not None:
            case.path_parameters[name] = values[name]


@schema.parametrize()
@schema.given(use_known=st.booleans())
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,  # the same cases every CI run
          suppress_health_check=list(HealthCheck))
def test_the_api_never_errors_and_conforms_to_its_schema(case, use_known, seeded):
    if use_known:
        known_path(case, seeded)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {seeded['token']}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
