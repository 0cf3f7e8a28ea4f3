from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.api import not_found
from search import api as search_api
from search import views as search_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    # the catalog answers /datasets/ before registry's plain list; registry:dataset_list
    # still reverses to the same address
    path("datasets/", search_views.catalog, name="catalog"),
    path("search/", search_views.search_page, name="search"),
    path("api/v1/search/", search_api.SearchView.as_view(), name="api-search"),
    path("api/v1/", include("registry.api.urls")),
    path("api/v1/", include("wiki.api.urls")),
    path("api/v1/", include("lifecycle.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", not_found),
    path("", include("accounts.urls")),
    path("", include("lifecycle.urls")),
    path("wiki/", include("wiki.urls")),
    path("", include("registry.urls")),
]
