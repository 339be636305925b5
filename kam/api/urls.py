from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from kam.accounts.api import views as accounts
from kam.api.auth import TokenLoginView
from kam.pipeline.api import views as pipeline

router = DefaultRouter()
router.register("industries", accounts.IndustryViewSet, basename="industry")
router.register("teams", accounts.TeamViewSet, basename="team")
router.register("users", accounts.UserViewSet, basename="user")
router.register("accounts", accounts.AccountViewSet, basename="account")
router.register("contacts", accounts.ContactViewSet, basename="contact")
router.register("interactions", accounts.InteractionViewSet, basename="interaction")
router.register("processes", pipeline.SalesProcessViewSet, basename="process")
router.register("opportunities", pipeline.OpportunityViewSet, basename="opportunity")
router.register("transitions", pipeline.StageTransitionViewSet, basename="transition")
router.register("progress-reports", pipeline.ProgressReportViewSet, basename="progress-report")

urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="api-token-login"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
