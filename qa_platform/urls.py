from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import api, api_docs, language, views

api_v1 = [
    path("auth/token/", api.ObtainTokenView.as_view(), name="api-token"),
    path("", include("monitoring.api_urls")),
    path("", include("scoring.api_urls")),
    path("", include("scoring.api_urls_scorecards")),
    path("", include("coaching.api_urls")),
    path("", include("planning.api_urls")),
    path("", include("reports.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # A person replaces the initial password a manager set for them (/people/users/).
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Before Django's own: the footer's switch also saves the choice with the account.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # Logged-in users only, unless API_DOCS_PUBLIC (qa_platform/api_docs.py).
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs.api_docs, name="api-docs"),
    path("", include("monitoring.urls")),
    path("", include("scoring.urls")),
    path("scorecards/", include("scoring.urls_builder")),
    path("", include("coaching.urls")),
    path("", include("planning.urls")),
    path("", include("reports.urls")),
]

# An unknown URL under /api/ answers JSON, like every other API refusal.
handler404 = "qa_platform.errors.not_found"
