"""Addresses of the wiki's pages. A page itself (`page`) is served by lifecycle.views.pages,
which adds its review panels; config/urls.py puts it under this namespace."""

from django.urls import path

import config.web  # noqa: F401  (registers the path converters)
from wiki import views

app_name = "wiki"

urlpatterns = [
    path("", views.wiki_index, name="index"),
    path("preview/", views.preview, name="preview"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<slug:kind>/", views.template_detail, name="template_detail"),
    path("templates/<slug:kind>/edit/", views.template_edit, name="template_edit"),
    path("<space:space>/", views.space_detail, name="space"),
    path("<space:space>/new/", views.page_create, name="page_create"),
    path("<space:space>/trash/", views.space_trash, name="trash"),
    path("<space:space>/<slug:slug>/edit/", views.page_edit, name="page_edit"),
    path("<space:space>/<slug:slug>/history/", views.page_history, name="page_history"),
    path("<space:space>/<slug:slug>/diff/", views.page_diff, name="page_diff"),
    path("<space:space>/<slug:slug>/revisions/<int:number>/", views.page_revision,
         name="page_revision"),
    path("<space:space>/<slug:slug>/revert/<int:number>/", views.page_revert, name="page_revert"),
    path("<space:space>/<slug:slug>/delete/", views.page_delete, name="page_delete"),
    path("<space:space>/<slug:slug>/restore/", views.page_restore, name="page_restore"),
    path("<space:space>/<slug:slug>/purge/", views.page_purge, name="page_purge"),
]
