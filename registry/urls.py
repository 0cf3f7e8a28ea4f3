"""Addresses of the registry's pages. config/urls.py adds, under the same names, the pages
that apps above compose: the catalog (`dataset_list`, search), the dashboard with "my work", the
pages of a project and of a model version, with their stage and status changes (lifecycle)."""

from django.urls import path

import config.web  # noqa: F401  (registers the path converters)
from registry.views import datasets, models, people, projects, roles, teams

app_name = "registry"

urlpatterns = [
    path("teams/", teams.team_list, name="team_list"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<slug:slug>/", teams.team_detail, name="team_detail"),
    path("teams/<slug:slug>/edit/", teams.team_edit, name="team_edit"),
    path("teams/<slug:slug>/members/", teams.team_member_set, name="team_member_set"),
    path("teams/<slug:slug>/members/<str:username>/remove/", teams.team_member_remove,
         name="team_member_remove"),
    path("people/", people.person_list, name="person_list"),
    path("people/me/edit/", people.profile_edit, name="profile_edit"),
    path("people/<str:username>/", people.person_detail, name="person_detail"),
    path("projects/", projects.project_list, name="project_list"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<slug:slug>/edit/", projects.project_edit, name="project_edit"),
    path("datasets/new/", datasets.dataset_create, name="dataset_create"),
    path("datasets/<slug:slug>/", datasets.dataset_detail, name="dataset_detail"),
    path("datasets/<slug:slug>/edit/", datasets.dataset_edit, name="dataset_edit"),
    path("datasets/<slug:slug>/schema/", datasets.dataset_columns, name="dataset_columns"),
    path("datasets/<slug:slug>/versions/new/", datasets.dataset_version_add,
         name="dataset_version_add"),
    path("datasets/<slug:slug>/versions/<str:label>/", datasets.dataset_version_detail,
         name="dataset_version_detail"),
    path("datasets/<slug:slug>/versions/<str:label>/caveats/", datasets.caveat_raise,
         name="caveat_raise"),
    path("datasets/<slug:slug>/versions/<str:label>/caveats/<int:pk>/resolve/",
         datasets.caveat_resolve, name="caveat_resolve"),
    path("models/", models.model_list, name="model_list"),
    path("model-versions/", models.model_version_search, name="model_version_search"),
    path("models/new/", models.model_create, name="model_create"),
    path("models/<slug:slug>/", models.model_detail, name="model_detail"),
    path("models/<slug:slug>/edit/", models.model_edit, name="model_edit"),
    path("models/<slug:slug>/compare/", models.model_compare, name="model_compare"),
    path("models/<slug:slug>/versions/new/", models.model_version_add, name="model_version_add"),
    path("<kind:kind>/<slug:slug>/roles/", roles.role_assign, name="role_assign"),
    path("roles/<int:pk>/remove/", roles.role_unassign, name="role_unassign"),
    path("<kind:kind>/<slug:slug>/activity/", roles.activity_list, name="activity_list"),
]
