"""List endpoints cost a bounded number of queries, whatever the page holds."""

import pytest

from registry.models import Lineage, RoleAssignment
from tests.factories import (
    DatasetFactory,
    DatasetVersionFactory,
    MembershipFactory,
    MLModelFactory,
    ModelVersionFactory,
    PersonFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

# the token lookup, its last-used write (first call only), savepoints: a few fixed queries
BUDGET = 12


def grow(n: int, *, team, member, role) -> None:
    for i in range(n):
        dataset = DatasetFactory(team=team, tags=["a", "b"], steward=member)
        project = ProjectFactory(team=team, visibility="private" if i % 2 else "internal")
        project.datasets.add(dataset)
        model = MLModelFactory(project=project)
        dv = DatasetVersionFactory(dataset=dataset, created_by=member)
        mv = ModelVersionFactory(model=model, created_by=member, trained_by=member)
        Lineage.objects.create(model_version=mv, dataset_version=dv)
        DatasetVersionFactory(dataset=team.datasets.get(slug="transactions"), created_by=member)
        ModelVersionFactory(model=team.projects.get(slug="fraud").models.get(), created_by=member)
        person = PersonFactory()
        MembershipFactory(team=team, person=person)
        for target in ("project", "dataset", "model"):
            RoleAssignment.objects.create(role=role("reviewer"), person=person,
                                          **{target: {"project": team.projects.get(slug="fraud"),
                                                      "dataset": team.datasets.get(slug="transactions"),
                                                      "model": model if target != "model" else
                                                      team.projects.get(slug="fraud").models.get()
                                                      }[target]})


LISTS = [
    "/api/v1/teams/", "/api/v1/teams/risk/members/", "/api/v1/people/", "/api/v1/roles/",
    "/api/v1/projects/", "/api/v1/projects/fraud/transitions/", "/api/v1/projects/fraud/roles/",
    "/api/v1/datasets/", "/api/v1/datasets/?tag=a", "/api/v1/datasets/transactions/versions/",
    "/api/v1/datasets/transactions/roles/", "/api/v1/models/", "/api/v1/models/scorer/versions/",
    "/api/v1/models/scorer/roles/", "/api/v1/activity/",
    "/api/v1/model-versions/", "/api/v1/model-versions/?sort=-metric.auc&tag.stage=a&status=candidate",
    "/api/v1/model-versions/?trained_on=transactions%401&metric.auc__gte=0.1",
]


@pytest.mark.parametrize("persona", ["outsider", "member", "staff"])
@pytest.mark.parametrize("url", LISTS)
def test_list_queries_do_not_grow_with_rows(request, token_client, django_assert_max_num_queries,
                                            team, member, role, project, dataset, model, persona, url):
    client = token_client(request.getfixturevalue(persona))
    client.get("/api/v1/roles/")  # the token's first use writes last_used_at once
    counts = []
    for size in (2, 12):
        grow(size - (2 if size == 12 else 0), team=team, member=member, role=role)
        with django_assert_max_num_queries(BUDGET) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.content
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
