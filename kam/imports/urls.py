from django.urls import path

from kam.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/<str:kind>/", views.export, name="export"),
]
