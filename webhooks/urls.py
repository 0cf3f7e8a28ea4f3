from django.urls import path

from webhooks import views

app_name = "webhooks"

HOOK = "teams/<slug:slug>/webhooks/<int:pk>/"

urlpatterns = [
    path("teams/<slug:slug>/webhooks/", views.subscription_list, name="list"),
    path(HOOK, views.subscription_detail, name="detail"),
    path(f"{HOOK}ping/", views.subscription_ping, name="ping"),
    path(f"{HOOK}toggle/", views.subscription_toggle, name="toggle"),
    path(f"{HOOK}delete/", views.subscription_delete, name="delete"),
    path(f"{HOOK}deliveries/<int:delivery>/redeliver/", views.delivery_redeliver, name="redeliver"),
]
