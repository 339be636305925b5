from django.urls import path

from kam.planning import views

app_name = "planning"
urlpatterns = [
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/cells/<int:row_pk>/<int:criterion_pk>/", views.matrix_cell, name="matrix_cell"),
    path("matrix/criteria/new/", views.criterion_form, name="criterion_create"),
    path("matrix/criteria/<int:pk>/edit/", views.criterion_form, name="criterion_edit"),
    path("matrix/criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
    path("matrix/industries/new/", views.row_add, name="row_add"),
    path("matrix/industries/<int:pk>/edit/", views.row_edit, name="row_edit"),
    path("matrix/industries/<int:pk>/delete/", views.row_delete, name="row_delete"),
    path("matrix/rule/", views.rule_edit, name="rule"),
    path("matrix/export/<str:fmt>/", views.matrix_export, name="matrix_export"),
    path("matrix/import/", views.matrix_import, name="matrix_import"),
    path("industries/", views.industry_list, name="industry_list"),
    path("industries/<int:industry_pk>/profile/", views.profile_edit, name="profile_edit"),
    path("base/", views.base, name="base"),
    path("business-lines/new/", views.business_line_form, name="business_line_create"),
    path("business-lines/<int:pk>/edit/", views.business_line_form, name="business_line_edit"),
    path("business-lines/<int:pk>/delete/", views.business_line_delete, name="business_line_delete"),
    path("plans/", views.plan_list, name="plan_list"),
    path("accounts/<int:account_pk>/", views.account_plan, name="account"),
    path("accounts/<int:account_pk>/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/new-version/", views.plan_new_version, name="plan_new_version"),
    path("plans/<int:pk>/print/", views.plan_print, name="plan_print"),
    path("plans/<int:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/xlsx/", views.plan_xlsx, name="plan_xlsx"),
    path("plans/<int:plan_pk>/measures/new/", views.measure_form, name="measure_create"),
    path("measures/<int:pk>/edit/", views.measure_form, name="measure_edit"),
    path("measures/<int:pk>/delete/", views.measure_delete, name="measure_delete"),
    path("plans/<int:plan_pk>/resources/new/", views.resource_form, name="resource_create"),
    path("resources/<int:pk>/edit/", views.resource_form, name="resource_edit"),
    path("resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
]
