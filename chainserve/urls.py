"""URL map: pages per app, the REST API under /api/v1/, the schema and its docs."""

from django.contrib import admin
from django.contrib.auth.views import LoginView, PasswordChangeView, PasswordResetConfirmView
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from chainserve.core import views as core_views
from chainserve.core.api import SchemaView
from chainserve.core.forms import LoginForm, PasswordChangeForm, SetPasswordForm
from chainserve.core.importing.views import ImportRunView
from chainserve.workbench import views as workbench_views

api_v1 = [
    path("", include("chainserve.registry.api.urls")),
    path("", include("chainserve.chains.api.urls")),
    path("", include("chainserve.demands.api.urls")),
    path("", include("chainserve.coordination.api.urls")),
    path("", include("chainserve.resources.api.urls")),
    path("", include("chainserve.matching.api.urls")),
    path("", include("chainserve.reports.api.urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("", workbench_views.HomeView.as_view(), name="home"),
    path("accounts/login/", LoginView.as_view(form_class=LoginForm), name="login"),
    path("accounts/password_reset/", core_views.PasswordResetView.as_view(), name="password_reset"),
    # the platform's look (Bootstrap fields) for the rest of the account pages Django provides
    path("accounts/reset/<uidb64>/<token>/", PasswordResetConfirmView.as_view(form_class=SetPasswordForm),
         name="password_reset_confirm"),
    path("accounts/password_change/", PasswordChangeView.as_view(form_class=PasswordChangeForm),
         name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("registry/", include("chainserve.registry.urls")),
    path("chains/", include("chainserve.chains.urls")),
    path("demands/", include("chainserve.demands.urls")),
    path("coordination/", include("chainserve.coordination.urls")),
    path("resources/", include("chainserve.resources.urls")),
    path("matching/", include("chainserve.matching.urls")),
    path("reports/", include("chainserve.reports.urls")),
    path("portal/", include("chainserve.portal.urls")),
    path("inbox/", core_views.InboxView.as_view(), name="inbox"),
    path("inbox/<int:pk>/open/", core_views.InboxOpenView.as_view(), name="inbox-open"),
    path("imports/<str:token>/", ImportRunView.as_view(), name="import-run"),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
]

handler403 = "chainserve.core.views.error_403"
handler404 = "chainserve.core.views.error_404"
handler500 = "chainserve.core.views.error_500"
