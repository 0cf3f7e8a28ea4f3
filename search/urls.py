"""Addresses of the search app's pages. The dataset catalog answers /datasets/ under the
registry's name `dataset_list` (`registry_pages`, served there by config/urls.py)."""

from django.urls import path

from search import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
]

registry_pages = [
    path("datasets/", views.catalog, name="dataset_list"),
]
