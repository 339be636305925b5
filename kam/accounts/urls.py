from django.urls import path

from kam.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("lookup/", views.account_lookup, name="lookup"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/delete/", views.account_delete, name="delete"),
    path("<int:pk>/team/", views.account_team_add, name="team_add"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.account_team_remove, name="team_remove"),
    path("<int:account_pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:account_pk>/log/new/", views.interaction_create, name="interaction_create"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("contacts/<int:pk>/reports-to/", views.contact_reports_to, name="contact_reports_to"),
    path("log/", views.interaction_list, name="interaction_list"),
    path("log/<int:pk>/edit/", views.interaction_edit, name="interaction_edit"),
    path("log/<int:pk>/delete/", views.interaction_delete, name="interaction_delete"),
    path("log/<int:pk>/next-step/", views.next_step_toggle, name="next_step_toggle"),
    path("next-steps/", views.next_steps, name="next_steps"),
    path("exchange-rates/", views.exchange_rates, name="exchange_rates"),
]
