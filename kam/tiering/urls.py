from django.urls import path

from kam.tiering import views

app_name = "tiering"
urlpatterns = [
    path("indicators/", views.indicators, name="indicators"),
    path("accounts/<int:pk>/", views.account_indicators, name="account"),
    path("accounts/<int:pk>/scorecard/", views.account_scorecard, name="account_scorecard"),
    path("", views.overview, name="overview"),
    path("pareto/", views.pareto_page, name="pareto"),
    path("pyramid/", views.pyramid_page, name="pyramid"),
    path("results/", views.results, name="results"),
    path("matrix/", views.matrix, name="matrix"),
    path("runs/", views.runs, name="runs"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("models/", views.models, name="models"),
    path("models/new/", views.model_create, name="model_create"),
    path("models/<int:pk>/edit/", views.model_edit, name="model_edit"),
    path("models/<int:pk>/activate/", views.model_activate, name="model_activate"),
]
for kind, name in (("transactions", "transaction"), ("payments", "payment"), ("feedback", "feedback")):
    urlpatterns += [
        path(f"{kind}/", views.ledger, {"kind": kind}, name=kind),
        path(f"accounts/<int:pk>/{kind}/", views.account_ledger, {"kind": kind}, name=f"account_{kind}"),
        path(f"accounts/<int:pk>/{kind}/new/", views.record_create, {"kind": kind}, name=f"{name}_create"),
        path(f"{kind}/<int:pk>/edit/", views.record_edit, {"kind": kind}, name=f"{name}_edit"),
        path(f"{kind}/<int:pk>/delete/", views.record_delete, {"kind": kind}, name=f"{name}_delete"),
    ]
