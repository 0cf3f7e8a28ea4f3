from django.urls import path

from lifecycle import views

app_name = "lifecycle"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("coverage/", views.coverage, name="coverage"),
    path("action-items/", views.action_items, name="action_items"),
    path("action-items/<int:pk>/", views.action_item_update, name="action_item_update"),
    path("lessons/", views.lessons, name="lessons"),
    path("projects/<slug:slug>/gates/<str:stage>/", views.gate_checklist, name="gate_checklist"),
    path("projects/<slug:slug>/sprints/", views.sprint_list, name="sprint_list"),
    path("projects/<slug:slug>/sprints/<int:number>/", views.sprint_detail, name="sprint_detail"),
    path("projects/<slug:slug>/sprints/<int:number>/retrospective/", views.retrospective_write,
         name="retrospective_write"),
    path("projects/<slug:slug>/sprints/<int:number>/items/", views.action_item_add,
         name="action_item_add"),
    path("wiki/<str:space>/<slug:slug>/approve/", views.page_approve, name="page_approve"),
    path("wiki/<str:space>/<slug:slug>/request-review/", views.page_request_review,
         name="page_request_review"),
]
