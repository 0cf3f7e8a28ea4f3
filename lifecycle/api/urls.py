"""/api/v1/ routes of the lifecycle: nested under projects (transitions, sprints, gates), under
models (a version, whose PATCH changes its status) and under wiki pages (the page with its
approval state, approvals, review requests); action items also at the top level."""

from django.urls import path

import config.web  # noqa: F401  (registers the path converters)
from lifecycle.api import views
from wiki.api.urls import PAGE

app_name = "lifecycle-api"

SPRINT = "projects/<slug:slug>/sprints/<number:number>/"

urlpatterns = [
    path("projects/<slug:slug>/transitions/", views.TransitionList.as_view(), name="transition_list"),
    path("models/<slug:slug>/versions/<number:number>/", views.ModelVersionDetail.as_view(),
         name="model_version_detail"),
    path("models/<slug:slug>/versions/<number:number>/promotion/", views.Promotion.as_view(),
         name="model_version_promotion"),
    path("models/<slug:slug>/aliases/<slug:alias>/", views.AliasDetail.as_view(), name="model_alias"),
    path("models/<slug:slug>/versions/<number:number>/audit/", views.ModelVersionAudit.as_view(),
         name="model_version_audit"),
    path("projects/<slug:slug>/sprints/", views.SprintList.as_view(), name="sprint_list"),
    path(SPRINT, views.SprintDetail.as_view(), name="sprint_detail"),
    path(f"{SPRINT}retrospective/", views.Retrospective.as_view(), name="retrospective"),
    path(f"{SPRINT}action-items/", views.SprintItemList.as_view(), name="sprint_item_list"),
    path("projects/<slug:slug>/gates/<str:stage>/", views.GateChecklist.as_view(), name="gate_checklist"),
    path("action-items/", views.ActionItemList.as_view(), name="action_item_list"),
    path("action-items/<number:pk>/", views.ActionItemDetail.as_view(), name="action_item_detail"),
    path(PAGE, views.PageDetail.as_view(), name="page_detail"),
    path(f"{PAGE}approvals/", views.ApprovalList.as_view(), name="approval_list"),
    path(f"{PAGE}review-requests/", views.ReviewRequestList.as_view(), name="review_request_list"),
]
