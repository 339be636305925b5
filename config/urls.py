from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kam.core import views as core

urlpatterns = [
    path("healthz", core.healthz, name="healthz"),
    path("", core.home, name="home"),
    path("search/", core.search, name="search"),
    path("accounts/", include("kam.accounts.urls")),
    path("pipeline/", include("kam.pipeline.urls")),
    path("tiering/", include("kam.tiering.urls")),
    path("buying-center/", include("kam.buyingcenter.urls")),
    path("competition/", include("kam.competition.urls")),
    path("planning/", include("kam.planning.urls")),
    path("service/", include("kam.service.urls")),
    path("people/", include("kam.users.urls")),
    path("audit/", include("kam.audit.urls")),
    path("data/", include("kam.imports.urls")),
    path("api/", include("kam.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
