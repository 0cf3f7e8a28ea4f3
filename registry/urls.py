from django.urls import path, register_converter

from registry import views


class KindConverter:
    """The plural names of the objects that carry roles and activity pages."""

    regex = "projects|datasets|models"

    def to_python(self, value: str) -> str:
        return value[:-1]

    def to_url(self, value: str) -> str:
        return f"{value}s"


register_converter(KindConverter, "kind")

app_name = "registry"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
    path("teams/<slug:slug>/edit/", views.team_edit, name="team_edit"),
    path("teams/<slug:slug>/members/", views.team_member_set, name="team_member_set"),
    path("teams/<slug:slug>/members/<str:username>/remove/", views.team_member_remove,
         name="team_member_remove"),
    path("people/", views.person_list, name="person_list"),
    path("people/me/edit/", views.profile_edit, name="profile_edit"),
    path("people/<str:username>/", views.person_detail, name="person_detail"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<slug:slug>/", views.project_detail, name="project_detail"),
    path("projects/<slug:slug>/edit/", views.project_edit, name="project_edit"),
    path("projects/<slug:slug>/transition/", views.project_transition, name="project_transition"),
    path("datasets/", views.dataset_list, name="dataset_list"),
    path("datasets/new/", views.dataset_create, name="dataset_create"),
    path("datasets/<slug:slug>/", views.dataset_detail, name="dataset_detail"),
    path("datasets/<slug:slug>/edit/", views.dataset_edit, name="dataset_edit"),
    path("datasets/<slug:slug>/schema/", views.dataset_columns, name="dataset_columns"),
    path("datasets/<slug:slug>/versions/new/", views.dataset_version_add,
         name="dataset_version_add"),
    path("datasets/<slug:slug>/versions/<str:label>/", views.dataset_version_detail,
         name="dataset_version_detail"),
    path("models/", views.model_list, name="model_list"),
    path("models/new/", views.model_create, name="model_create"),
    path("models/<slug:slug>/", views.model_detail, name="model_detail"),
    path("models/<slug:slug>/edit/", views.model_edit, name="model_edit"),
    path("models/<slug:slug>/versions/new/", views.model_version_add, name="model_version_add"),
    path("models/<slug:slug>/versions/<int:number>/", views.model_version_detail,
         name="model_version_detail"),
    path("models/<slug:slug>/versions/<int:number>/status/", views.model_version_status,
         name="model_version_status"),
    path("<kind:kind>/<slug:slug>/roles/", views.role_assign, name="role_assign"),
    path("roles/<int:pk>/remove/", views.role_unassign, name="role_unassign"),
    path("<kind:kind>/<slug:slug>/activity/", views.activity_list, name="activity_list"),
]
