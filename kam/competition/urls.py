from django.urls import path

from kam.competition import views

app_name = "competition"
urlpatterns = [
    path("competitors/", views.competitor_list, name="competitor_list"),
    path("competitors/new/", views.competitor_create, name="competitor_create"),
    path("competitors/export/<str:fmt>/", views.competitors_export, name="competitors_export"),
    path("competitors/import/", views.competitors_import, name="competitors_import"),
    path("competitors/<int:pk>/", views.competitor_detail, name="competitor"),
    path("competitors/<int:pk>/edit/", views.competitor_edit, name="competitor_edit"),
    path("competitors/<int:pk>/delete/", views.competitor_delete, name="competitor_delete"),
    path("opportunities/<int:pk>/evaluations/new/", views.evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/grid/", views.evaluation_grid, name="evaluation_grid"),
    path("evaluations/<int:pk>/settings/", views.evaluation_settings, name="evaluation_settings"),
    path("evaluations/<int:pk>/delete/", views.evaluation_delete, name="evaluation_delete"),
    path("evaluations/<int:pk>/export/<str:fmt>/", views.evaluation_export, name="evaluation_export"),
    path("evaluations/<int:pk>/import/", views.evaluation_import, name="evaluation_import"),
    path("matrices/", views.matrix_list, name="matrix_list"),
    path("matrices/new/", views.matrix_create, name="matrix_create"),
    path("matrices/<int:pk>/", views.matrix_detail, name="matrix"),
    path("matrices/<int:pk>/grid/", views.matrix_grid, name="matrix_grid"),
    path("matrices/<int:pk>/settings/", views.matrix_settings, name="matrix_settings"),
    path("matrices/<int:pk>/delete/", views.matrix_delete, name="matrix_delete"),
    path("matrices/<int:pk>/export/<str:fmt>/", views.matrix_export, name="matrix_export"),
    path("matrices/<int:pk>/import/", views.matrix_import, name="matrix_import"),
    path("accounts/<int:pk>/", views.account_competition, name="account"),
    path("accounts/<int:pk>/selling-points/new/", views.selling_point_create, name="selling_point_create"),
    path("selling-points/<int:pk>/edit/", views.selling_point_edit, name="selling_point_edit"),
    path("selling-points/<int:pk>/delete/", views.selling_point_delete, name="selling_point_delete"),
]
