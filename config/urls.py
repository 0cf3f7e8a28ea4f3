"""The composition root: every app's addresses.

Addresses are grouped by what they name: `registry:` for teams, people, projects, datasets and
models, `wiki:` for spaces and pages. A page is served by the app that composes it: the
project's page (its stage and gates) and a model version's page (its status) by the lifecycle,
the dataset catalog by search, a wiki page (its review) by the lifecycle, and the API's dataset
and model lists by search (their `?q=` runs its engine). Those apps hand their patterns for the
lower namespaces to this module (`registry_pages`, `wiki_pages`, `registry_api`), so no route
is shadowed and no lower app imports a higher one.
"""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.api import not_found
from integrations import urls as integrations_urls
from lifecycle import urls as lifecycle_urls
from monitoring import api as monitoring_api
from monitoring import urls as monitoring_urls
from notifications import urls as notification_urls
from registry import urls as registry_urls
from registry.api import urls as registry_api_urls
from search import api as search_api
from search import urls as search_urls
from wiki import urls as wiki_urls

registry_pages = registry_urls.urlpatterns + lifecycle_urls.registry_pages + search_urls.registry_pages
wiki_pages = wiki_urls.urlpatterns + lifecycle_urls.wiki_pages
registry_api = registry_api_urls.urlpatterns + search_api.registry_api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/search/", search_api.SearchView.as_view(), name="api-search"),
    path("api/v1/", include((registry_api, registry_api_urls.app_name))),
    path("api/v1/", include("wiki.api.urls")),
    path("api/v1/", include("lifecycle.api.urls")),
    path("api/v1/", include((monitoring_api.urlpatterns, "monitoring-api"))),
    path("api/v1/", include("webhooks.api.urls")),
    path("api/v1/", include("integrations.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from a URL: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", not_found),
    path("", include("accounts.urls")),
    path("", include(search_urls)),
    path("", include(lifecycle_urls)),
    path("", include(notification_urls)),
    path("", include(monitoring_urls)),
    path("", include("webhooks.urls")),
    path("", include(integrations_urls)),
    path("wiki/", include((wiki_pages, "wiki"))),
    path("", include((registry_pages, "registry"))),
]
