from django.urls import path

from kam.pipeline import views

app_name = "pipeline"
urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("board/", views.board, name="board"),
    path("board/cards/", views.board_cards, name="board_cards"),
    path("funnel/", views.funnel_page, name="funnel"),
    path("funnel/benchmark/", views.funnel_benchmark, name="funnel_benchmark"),
    path("forecast/", views.forecast_page, name="forecast"),
    path("forecast/backtest/", views.forecast_backtest, name="forecast_backtest"),
    path("status/", views.status_page, name="status"),
    path("new/", views.opportunity_create, name="create"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("<int:pk>/move/", views.opportunity_move, name="move"),
    path("<int:pk>/close/", views.opportunity_close, name="close"),
    path("<int:pk>/criteria/<int:criterion_pk>/", views.criterion_toggle, name="criterion"),
    path("<int:pk>/reports/new/", views.report_create, name="report_create"),
    path("<int:pk>/reports/<int:report_pk>/", views.report_detail, name="report"),
]
