from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("people/me/tokens/", views.token_list, name="token_list"),
    path("people/me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
