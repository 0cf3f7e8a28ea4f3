from django.urls import path

import config.web  # noqa: F401  (registers the path converters)
from webhooks.api import views

app_name = "webhooks-api"

HOOK = "teams/<slug:slug>/webhooks/<number:pk>/"

urlpatterns = [
    path("teams/<slug:slug>/webhooks/", views.SubscriptionList.as_view(), name="subscription_list"),
    path(HOOK, views.SubscriptionDetail.as_view(), name="subscription_detail"),
    path(f"{HOOK}deliveries/", views.DeliveryList.as_view(), name="delivery_list"),
    path(f"{HOOK}ping/", views.Ping.as_view(), name="ping"),
    path(f"{HOOK}deliveries/<number:delivery>/redeliver/", views.Redeliver.as_view(), name="redeliver"),
]
