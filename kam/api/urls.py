from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from kam.accounts.api import views as accounts
from kam.api.auth import TokenLoginView
from kam.buyingcenter.api import views as buyingcenter
from kam.competition.api import views as competition
from kam.pipeline.api import views as pipeline
from kam.planning.api import views as planning
from kam.service.api import views as service
from kam.tiering.api import views as tiering

router = DefaultRouter()
router.register("industries", accounts.IndustryViewSet, basename="industry")
router.register("teams", accounts.TeamViewSet, basename="team")
router.register("exchange-rates", accounts.ExchangeRateViewSet, basename="exchange-rate")
router.register("users", accounts.UserViewSet, basename="user")
router.register("accounts", accounts.AccountViewSet, basename="account")
router.register("contacts", accounts.ContactViewSet, basename="contact")
router.register("interactions", accounts.InteractionViewSet, basename="interaction")
router.register("processes", pipeline.SalesProcessViewSet, basename="process")
router.register("opportunities", pipeline.OpportunityViewSet, basename="opportunity")
router.register("transitions", pipeline.StageTransitionViewSet, basename="transition")
router.register("progress-reports", pipeline.ProgressReportViewSet, basename="progress-report")
router.register("transactions", tiering.TransactionViewSet, basename="transaction")
router.register("payments", tiering.PaymentViewSet, basename="payment")
router.register("feedback", tiering.FeedbackViewSet, basename="feedback")
router.register("tiering-models", tiering.TieringModelViewSet, basename="tiering-model")
router.register("tiering-runs", tiering.TieringRunViewSet, basename="tiering-run")
router.register("tier-results", tiering.TierResultViewSet, basename="tier-result")
router.register("tier-changes", tiering.TierChangeViewSet, basename="tier-change")
router.register("stakeholders", buyingcenter.StakeholderViewSet, basename="stakeholder")
router.register("buying-centers", buyingcenter.BuyingCenterViewSet, basename="buying-center")
router.register("counterpart-pairs", buyingcenter.CounterpartPairViewSet, basename="counterpart-pair")
router.register("spin-questions", buyingcenter.SpinQuestionViewSet, basename="spin-question")
router.register("spin-plans", buyingcenter.SpinPlanViewSet, basename="spin-plan")
router.register("spin-steps", buyingcenter.SpinStepViewSet, basename="spin-step")
router.register("competitors", competition.CompetitorViewSet, basename="competitor")
router.register("evaluations", competition.EvaluationViewSet, basename="evaluation")
router.register("matrices", competition.MatrixViewSet, basename="matrix")
router.register("selling-points", competition.SellingPointViewSet, basename="selling-point")
router.register("relationship-stages", service.RelationshipStageViewSet, basename="relationship-stage")
router.register("stage-changes", service.StageChangeViewSet, basename="stage-change")
router.register("category-spend", service.CategorySpendViewSet, basename="category-spend")
router.register("grid-placements", service.GridPlacementViewSet, basename="grid-placement")
router.register("loyalty-reviews", service.LoyaltyReviewViewSet, basename="loyalty-review")
router.register("satisfaction-surveys", service.SatisfactionSurveyViewSet, basename="satisfaction-survey")
router.register("gap-assessments", service.GapAssessmentViewSet, basename="gap-assessment")
router.register("service-requests", service.ServiceRequestViewSet, basename="service-request")
router.register("attractiveness-criteria", planning.CriterionViewSet, basename="attractiveness-criterion")
router.register("attractiveness-industries", planning.IndustryRowViewSet, basename="attractiveness-industry")
router.register("attractiveness-scores", planning.ScoreViewSet, basename="attractiveness-score")
router.register("industry-profiles", planning.ProfileViewSet, basename="industry-profile")
router.register("business-lines", planning.BusinessLineViewSet, basename="business-line")
router.register("account-plans", planning.PlanViewSet, basename="account-plan")
router.register("plan-measures", planning.MeasureViewSet, basename="plan-measure")
router.register("plan-resources", planning.ResourceViewSet, basename="plan-resource")

urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="api-token-login"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("accounts/<int:pk>/indicators/", tiering.AccountIndicatorsView.as_view(), name="account-indicators"),
    path("value-calculator/", buyingcenter.ValueCalculatorView.as_view(), name="value-calculator"),
    path("funnel/", pipeline.FunnelView.as_view(), name="api-funnel"),
    path("funnel/benchmark/", pipeline.FunnelBenchmarkView.as_view(), name="api-funnel-benchmark"),
    path("forecast/", pipeline.ForecastView.as_view(), name="api-forecast"),
    path("", include(router.urls)),
]
