from django.urls import path

import config.web  # noqa: F401  (registers the path converters)
from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("models/<slug:slug>/versions/<int:number>/monitoring/", views.record_add, name="record_add"),
    path("models/<slug:slug>/versions/<int:number>/drift/<int:pk>/resolve/", views.drift_resolve,
         name="drift_resolve"),
]
