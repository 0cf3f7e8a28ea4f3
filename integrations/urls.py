from django.urls import path

from integrations import views

app_name = "integrations"

urlpatterns = [
    path("integrations/openlineage/unmapped/", views.unmapped_list, name="unmapped_list"),
    path("integrations/openlineage/unmapped/<int:pk>/map/", views.unmapped_map, name="unmapped_map"),
]
