"""/api/v1/ routes of the registry. Resources by slug; versions by label or number."""

from django.urls import path, register_converter

from registry.api import views


class LabelConverter:
    """A dataset version label: anything but a slash or a NUL (which no database stores)."""

    regex = "[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class NumberConverter:
    """A version number; the digit cap keeps lookups inside the database's integers."""

    regex = "[0-9]{1,9}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(LabelConverter, "label")
register_converter(NumberConverter, "number")

app_name = "api"


def _roles(prefix: str, kind: str) -> list:
    return [
        path(f"{prefix}/<slug:slug>/roles/", views.RoleAssignmentList.as_view(kind=kind),
             name=f"{kind}_role_list"),
        path(f"{prefix}/<slug:slug>/roles/<number:pk>/", views.RoleAssignmentDetail.as_view(kind=kind),
             name=f"{kind}_role_detail"),
    ]


urlpatterns = [
    path("teams/", views.TeamList.as_view(), name="team_list"),
    path("teams/<slug:slug>/", views.TeamDetail.as_view(), name="team_detail"),
    path("teams/<slug:slug>/members/", views.MemberList.as_view(), name="member_list"),
    path("teams/<slug:slug>/members/<label:username>/", views.MemberDetail.as_view(),
         name="member_detail"),
    path("people/", views.PersonList.as_view(), name="person_list"),
    path("people/<label:username>/", views.PersonDetail.as_view(), name="person_detail"),
    path("roles/", views.RoleList.as_view(), name="role_list"),
    path("roles/<slug:slug>/", views.RoleDetail.as_view(), name="role_detail"),
    path("projects/", views.ProjectList.as_view(), name="project_list"),
    path("projects/<slug:slug>/", views.ProjectDetail.as_view(), name="project_detail"),
    path("projects/<slug:slug>/transitions/", views.TransitionList.as_view(), name="transition_list"),
    path("datasets/", views.DatasetList.as_view(), name="dataset_list"),
    path("datasets/<slug:slug>/", views.DatasetDetail.as_view(), name="dataset_detail"),
    path("datasets/<slug:slug>/columns/", views.DatasetColumns.as_view(), name="dataset_columns"),
    path("datasets/<slug:slug>/versions/", views.DatasetVersionList.as_view(),
         name="dataset_version_list"),
    path("datasets/<slug:slug>/versions/<label:label>/", views.DatasetVersionDetail.as_view(),
         name="dataset_version_detail"),
    path("models/", views.ModelList.as_view(), name="model_list"),
    path("models/<slug:slug>/", views.ModelDetail.as_view(), name="model_detail"),
    path("models/<slug:slug>/versions/", views.ModelVersionList.as_view(), name="model_version_list"),
    path("models/<slug:slug>/versions/<number:number>/", views.ModelVersionDetail.as_view(),
         name="model_version_detail"),
    *_roles("projects", "project"),
    *_roles("datasets", "dataset"),
    *_roles("models", "model"),
    path("activity/", views.ActivityList.as_view(), name="activity_list"),
]
