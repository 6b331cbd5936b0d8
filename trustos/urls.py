"""Root URL configuration: each app owns its own url modules, mounted here."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from trustos import views

# Styled error pages (core.views); a domain error raised in a page is rendered the same way.
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

# Django tries patterns in order; the anonymous survey submit is the busiest route, so its
# module comes first here and the API first below (no other pattern overlaps /api/v1/:
# tests/test_url_order.py resolves every named route back to itself).
api_v1 = [
    path("", include("surveys.api_urls")),
    path("", include("orgs.api_urls")),
    path("", include("scoring.api_urls")),
    path("", include("decisions.api_urls")),
    path("", include("execution.api_urls")),
    path("", include("handoffs.api_urls")),
    path("dashboard/", include("dashboards.api_urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("setup/", include("orgs.urls")),
    path("", include("surveys.urls")),
    path("results/", include("scoring.urls")),
    path("decisions/", include("decisions.urls")),
    path("execution/", include("execution.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("handoffs/", include("handoffs.urls")),
    path("workshops/", include("workshops.urls")),
    path("w/", include("workshops.urls_participant")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from a URL, not inline (CSP).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html"),
        name="api-docs",
    ),
    path("ops/admin/", admin.site.urls),
]
