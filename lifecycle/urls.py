"""Addresses of the lifecycle's pages.

`registry_pages` and `wiki_pages` are pages the lifecycle composes for objects of the apps
below (a project's page, a model version's page, a wiki page with its review); config/urls.py
serves them under the registry's and the wiki's names, where their addresses belong."""

from django.urls import path

import config.web  # noqa: F401  (registers the path converters)
from lifecycle.views import dashboard, models, overview, pages, projects, sprints

app_name = "lifecycle"

urlpatterns = [
    path("board/", overview.board, name="board"),
    path("coverage/", overview.coverage, name="coverage"),
    path("action-items/", overview.action_items, name="action_items"),
    path("action-items/<int:pk>/", sprints.action_item_update, name="action_item_update"),
    path("lessons/", overview.lessons, name="lessons"),
    path("projects/<slug:slug>/gates/<str:stage>/", projects.gate_checklist, name="gate_checklist"),
    path("projects/<slug:slug>/sprints/", sprints.sprint_list, name="sprint_list"),
    path("projects/<slug:slug>/sprints/<int:number>/", sprints.sprint_detail, name="sprint_detail"),
    path("projects/<slug:slug>/sprints/<int:number>/retrospective/", sprints.retrospective_write,
         name="retrospective_write"),
    path("projects/<slug:slug>/sprints/<int:number>/items/", sprints.action_item_add,
         name="action_item_add"),
    path("wiki/<space:space>/<slug:slug>/approve/", pages.page_approve, name="page_approve"),
    path("wiki/<space:space>/<slug:slug>/request-review/", pages.page_request_review,
         name="page_request_review"),
]

registry_pages = [
    path("", dashboard.dashboard, name="dashboard"),
    path("projects/<slug:slug>/", projects.project_detail, name="project_detail"),
    path("projects/<slug:slug>/transition/", projects.project_transition, name="project_transition"),
    path("models/<slug:slug>/versions/<int:number>/", models.model_version_detail,
         name="model_version_detail"),
    path("models/<slug:slug>/versions/<int:number>/audit/", models.model_version_audit,
         name="model_version_audit"),
    path("models/<slug:slug>/versions/<int:number>/status/", models.model_version_status,
         name="model_version_status"),
    path("models/<slug:slug>/versions/<int:number>/alias/", models.model_version_alias,
         name="model_version_alias"),
    path("models/<slug:slug>/aliases/<slug:alias>/remove/", models.model_alias_remove,
         name="model_alias_remove"),
]

wiki_pages = [
    path("<space:space>/<slug:slug>/", pages.page_detail, name="page"),
]
