from django.urls import path

from kam.users import views

app_name = "users"
urlpatterns = [
    path("", views.people, name="list"),
    path("<int:pk>/active/", views.person_active, name="active"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<str:token_key>/revoke/", views.token_revoke, name="token_revoke"),
    path("handover/", views.handover, name="handover"),
]
