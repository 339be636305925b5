from django.urls import path

from kam.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/commit/", views.job_commit, name="commit"),
    path("template/<str:kind>/<str:fmt>/", views.template, name="template"),
    path("export/<str:kind>/", views.export, name="export"),
]
