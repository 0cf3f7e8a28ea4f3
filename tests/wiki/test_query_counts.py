"""Wiki pages cost a bounded number of queries, whatever their size."""

import pytest

from registry.models import Tag
from wiki import services

URLS = ["/wiki/", "/wiki/project-fraud/", "/wiki/project-fraud/hub/",
        "/wiki/project-fraud/hub/history/", "/wiki/project-fraud/trash/", "/models/scorer/",
        "/datasets/transactions/", "/projects/fraud/", "/wiki/templates/"]


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("url", URLS)
def test_wiki_pages_have_bounded_queries(client, member, project_space, model, dataset, model_card,
                                         size, url, django_assert_max_num_queries):
    links = " ".join(f"[[Page {i}]] [[dataset:transactions]] [[model:scorer]]" for i in range(size))
    hub = services.page_create(space=project_space, title="Hub", body=links, by=member,
                               documents=[model, dataset])
    for i in range(size):
        page = services.page_create(space=project_space, title=f"Page {i}", parent=hub, by=member,
                                    body="[[Hub]] [[dataset:transactions]]", template=model_card,
                                    tags=[f"t{i}", "common"], documents=[model, dataset])
        services.page_update(page=page, title=page.title, body="edited\n", base_revision=1, by=member)
        hub = services.page_update(page=hub, title="Hub", body=hub.body + f"\nedit {i}", by=member,
                                   base_revision=hub.revision).page
        if i % 3 == 0:
            services.page_delete(page=page, by=member)
    assert Tag.objects.count() > size
    client.force_login(member)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
