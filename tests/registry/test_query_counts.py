"""Every list page costs a bounded number of queries, whatever its size."""

import pytest

from registry.models import Lineage, Membership, RoleAssignment
from tests.factories import (
    DatasetFactory,
    DatasetVersionFactory,
    MembershipFactory,
    MLModelFactory,
    ModelVersionFactory,
    PersonFactory,
    ProjectFactory,
)


def _fill(team, member, n):
    for i in range(n):
        project = ProjectFactory(team=team, visibility="private" if i % 2 else "internal")
        dataset = DatasetFactory(team=team, tags=[f"t{i}", "common"], home_project=project)
        version = DatasetVersionFactory(dataset=dataset, created_by=member)
        model = MLModelFactory(project=project)
        mv = ModelVersionFactory(model=model, created_by=member)
        Lineage.objects.create(model_version=mv, dataset_version=version)
        MembershipFactory(team=team, person=PersonFactory())


URLS = ["/", "/projects/", "/datasets/", "/models/", "/teams/", "/people/",
        "/teams/risk/", "/projects/fraud/", "/datasets/transactions/", "/models/scorer/",
        "/model-versions/", "/model-versions/?sort=-metric.auc&tag=stage%3Da&metric=auc%3E0.1"]


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("url", URLS)
def test_list_and_detail_pages_have_bounded_queries(client, member, team, project, model,
                                                   dataset, size, url,
                                                   django_assert_max_num_queries):
    _fill(team, member, size)
    for _ in range(size):
        dv = DatasetVersionFactory(dataset=dataset, created_by=member)
        mv = ModelVersionFactory(model=model, created_by=member)
        Lineage.objects.create(model_version=mv, dataset_version=dv)
    RoleAssignment.objects.create(role_id=1, person=member, project=project)
    assert Membership.objects.count() > size
    client.force_login(member)
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200
