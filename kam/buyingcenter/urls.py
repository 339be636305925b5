from django.urls import path

from kam.buyingcenter import views

app_name = "buyingcenter"
urlpatterns = [
    path("actions/", views.my_actions, name="my_actions"),
    path("opportunities/<int:pk>/", views.buying_center, name="detail"),
    path("opportunities/<int:pk>/stakeholders/new/", views.stakeholder_add, name="stakeholder_add"),
    path("opportunities/<int:pk>/weights/", views.weights_edit, name="weights"),
    path("opportunities/<int:pk>/export/<str:fmt>/", views.buying_center_export, name="export"),
    path("opportunities/<int:pk>/import/", views.buying_center_import, name="import"),
    path("stakeholders/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path("stakeholders/<int:pk>/remove/", views.stakeholder_remove, name="stakeholder_remove"),
    path("accounts/<int:pk>/pairs/new/", views.pair_add, name="pair_add"),
    path("pairs/<int:pk>/edit/", views.pair_edit, name="pair_edit"),
    path("pairs/<int:pk>/delete/", views.pair_delete, name="pair_delete"),
    path("opportunities/<int:pk>/spin/", views.spin_plans, name="spin_plans"),
    path("opportunities/<int:pk>/spin/new/", views.spin_plan_create, name="spin_plan_create"),
    path("opportunities/<int:pk>/spin/export/<str:fmt>/", views.spin_export, name="spin_export"),
    path("opportunities/<int:pk>/spin/import/", views.spin_import, name="spin_import"),
    path("spin/<int:pk>/", views.spin_plan_detail, name="spin_plan"),
    path("spin/<int:pk>/edit/", views.spin_plan_edit, name="spin_plan_edit"),
    path("spin/<int:pk>/delete/", views.spin_plan_delete, name="spin_plan_delete"),
    path("spin/<int:pk>/questions/new/", views.spin_step_add, name="spin_step_add"),
    path("spin-steps/<int:pk>/edit/", views.spin_step_edit, name="spin_step_edit"),
    path("spin-steps/<int:pk>/delete/", views.spin_step_delete, name="spin_step_delete"),
    path("spin-library/", views.spin_library, name="spin_library"),
    path("spin-library/new/", views.spin_question_create, name="spin_question_create"),
    path("spin-library/<int:pk>/edit/", views.spin_question_edit, name="spin_question_edit"),
    path("spin-library/<int:pk>/delete/", views.spin_question_delete, name="spin_question_delete"),
    path("value-calculator/", views.value_calculator, name="value_calculator"),
]
