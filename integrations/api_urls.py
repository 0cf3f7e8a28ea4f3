from django.urls import path

from integrations import api

app_name = "integrations-api"

urlpatterns = [
    path("lineage/openlineage/", api.OpenLineageIntake.as_view(), name="openlineage"),
    path("lineage/openlineage/unmapped/", api.UnmappedList.as_view(), name="unmapped_list"),
]
