"""/api/v1/ routes of the wiki. Spaces by key (global, team-<slug>, project-<slug>), pages by
slug inside their space, revisions by number, templates by kind.

GET of a page itself (…/pages/<slug>/) is answered by lifecycle.api, which adds the page's
approval state (the lifecycle sits above the wiki); its edit and delete are the wiki's view.
"""

from django.urls import path

import config.web  # noqa: F401  (registers the path converters)
from wiki.api import views

app_name = "wiki-api"

PAGE = "spaces/<space:space>/pages/<slug:slug>/"

urlpatterns = [
    path("spaces/", views.SpaceList.as_view(), name="space_list"),
    path("spaces/<space:space>/", views.SpaceDetail.as_view(), name="space_detail"),
    path("spaces/<space:space>/pages/", views.SpacePageList.as_view(), name="space_page_list"),
    path("spaces/<space:space>/trash/", views.TrashList.as_view(), name="trash"),
    path(f"{PAGE}restore/", views.PageRestore.as_view(), name="page_restore"),
    path(f"{PAGE}purge/", views.PagePurge.as_view(), name="page_purge"),
    path(f"{PAGE}revisions/", views.RevisionList.as_view(), name="revision_list"),
    path(f"{PAGE}revisions/<number:number>/", views.RevisionDetail.as_view(), name="revision_detail"),
    path(f"{PAGE}revisions/<number:number>/revert/", views.RevisionRevert.as_view(),
         name="revision_revert"),
    path(f"{PAGE}diff/", views.PageDiff.as_view(), name="page_diff"),
    path("pages/", views.PageList.as_view(), name="page_list"),
    path("templates/", views.TemplateList.as_view(), name="template_list"),
    path("templates/<slug:kind>/", views.TemplateDetail.as_view(), name="template_detail"),
]
