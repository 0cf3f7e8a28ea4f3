"""Wiki fixtures on top of the registry personas."""

import pytest

from wiki import services
from wiki.models import Template


@pytest.fixture
def project_space(project):
    return services.space_for(project)


@pytest.fixture
def private_space(private_project):
    return services.space_for(private_project)


@pytest.fixture
def team_space(team):
    return services.space_for(team)


@pytest.fixture
def global_space(db):
    return services.space_for(None)


@pytest.fixture
def model_card(db):
    return Template.objects.get(kind="model-card")


@pytest.fixture
def make_page(member):
    def make(space, title="Notes", body="Hello.\n", by=None, **kwargs):
        return services.page_create(space=space, title=title, body=body, by=by or member, **kwargs)
    return make


@pytest.fixture
def page(make_page, project_space):
    return make_page(project_space, title="Runbook", body="line 1\nline 2\nline 3\nline 4\nline 5\n")


@pytest.fixture
def private_page(make_page, private_space, member):
    return make_page(private_space, title="Secret plan", body="The limits are secret.\n")
