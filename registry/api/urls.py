"""/api/v1/ routes of the registry. Resources by slug; versions by label or number.

A project's transitions and a version's detail (whose PATCH promotes it) are the lifecycle's
routes (lifecycle/api/urls.py). The dataset and model lists (`datasets.DatasetList`,
`models.ModelList`) are served by search, which answers their `?q=` with its engine
(`search.api.registry_api`, composed under this namespace by config/urls.py)."""

from django.urls import path

import config.web  # noqa: F401  (registers the path converters)
from registry.api.views import activity, datasets, models, people, projects, teams

app_name = "api"


def _roles(prefix: str, kind: str) -> list:
    return [
        path(f"{prefix}/<slug:slug>/roles/", people.RoleAssignmentList.as_view(kind=kind),
             name=f"{kind}_role_list"),
        path(f"{prefix}/<slug:slug>/roles/<number:pk>/", people.RoleAssignmentDetail.as_view(kind=kind),
             name=f"{kind}_role_detail"),
    ]


urlpatterns = [
    path("teams/", teams.TeamList.as_view(), name="team_list"),
    path("teams/<slug:slug>/", teams.TeamDetail.as_view(), name="team_detail"),
    path("teams/<slug:slug>/members/", teams.MemberList.as_view(), name="member_list"),
    path("teams/<slug:slug>/members/<label:username>/", teams.MemberDetail.as_view(),
         name="member_detail"),
    path("people/", people.PersonList.as_view(), name="person_list"),
    path("people/<label:username>/", people.PersonDetail.as_view(), name="person_detail"),
    path("roles/", people.RoleList.as_view(), name="role_list"),
    path("roles/<slug:slug>/", people.RoleDetail.as_view(), name="role_detail"),
    path("projects/", projects.ProjectList.as_view(), name="project_list"),
    path("projects/<slug:slug>/", projects.ProjectDetail.as_view(), name="project_detail"),
    path("datasets/<slug:slug>/", datasets.DatasetDetail.as_view(), name="dataset_detail"),
    path("datasets/<slug:slug>/columns/", datasets.DatasetColumns.as_view(), name="dataset_columns"),
    path("datasets/<slug:slug>/versions/", datasets.DatasetVersionList.as_view(),
         name="dataset_version_list"),
    path("datasets/<slug:slug>/versions/<label:label>/", datasets.DatasetVersionDetail.as_view(),
         name="dataset_version_detail"),
    path("datasets/<slug:slug>/versions/<label:label>/caveats/", datasets.CaveatList.as_view(),
         name="caveat_list"),
    path("datasets/<slug:slug>/versions/<label:label>/caveats/<number:pk>/",
         datasets.CaveatDetail.as_view(), name="caveat_detail"),
    path("models/<slug:slug>/", models.ModelDetail.as_view(), name="model_detail"),
    path("model-versions/", models.ModelVersionSearchList.as_view(), name="model_version_search"),
    path("models/<slug:slug>/versions/", models.ModelVersionList.as_view(), name="model_version_list"),
    path("models/<slug:slug>/compare/", models.ModelCompare.as_view(), name="model_compare"),
    path("models/<slug:slug>/versions/@<slug:alias>/", models.ModelVersionByAlias.as_view(),
         name="model_version_by_alias"),
    *_roles("projects", "project"),
    *_roles("datasets", "dataset"),
    *_roles("models", "model"),
    path("activity/", activity.ActivityList.as_view(), name="activity_list"),
]
