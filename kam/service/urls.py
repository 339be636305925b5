from django.urls import path

from kam.service import views

app_name = "service"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("stages/", views.stage_list, name="stage_list"),
    path("stages/export/<str:fmt>/", views.stages_export, name="stages_export"),
    path("stages/import/", views.stages_import, name="stages_import"),
    path("spend/export/<str:fmt>/", views.spend_export, name="spend_export"),
    path("spend/import/", views.spend_import, name="spend_import"),
    path("loyalty/", views.loyalty, name="loyalty"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/export/<str:fmt>/", views.requests_export, name="requests_export"),
    path("requests/import/", views.requests_import, name="requests_import"),
    path("requests/<int:pk>/resolve/", views.request_resolve, name="request_resolve"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("accounts/<int:pk>/", views.account_service, name="account"),
    path("accounts/<int:pk>/stage/", views.stage_change, name="stage_change"),
    path("accounts/<int:pk>/spend/", views.spend_set, name="spend_set"),
    path("accounts/<int:pk>/grid/", views.grid_place, name="grid_place"),
    path("accounts/<int:pk>/loyalty/", views.loyalty_review, name="loyalty_review"),
    path("accounts/<int:pk>/contribution/", views.contribution_set, name="contribution_set"),
    path("accounts/<int:pk>/survey/", views.survey_record, name="survey_record"),
    path("accounts/<int:pk>/gaps/", views.gap_assess, name="gap_assess"),
    path("accounts/<int:pk>/requests/", views.request_open, name="request_open"),
]
