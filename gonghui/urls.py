from django.urls import include, path

from gonghui.accounts import auth_views
from gonghui.api import api
from gonghui.core import views as core_views
from gonghui.members import urls_join

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.logout_view, name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("healthz", core_views.healthz, name="healthz"),
    path("orgs/", include("gonghui.orgs.urls")),
    path("members/import/", include("gonghui.members.urls_import")),
    path("members/", include("gonghui.members.urls")),
    path("accounts/", include("gonghui.accounts.urls")),
    path("system/", include("gonghui.core.urls")),
    path("notices/", include("gonghui.notices.urls")),
    path("jobs/", include("gonghui.jobs.urls")),
    path("targets/", include("gonghui.targets.urls")),
    path("honours/", include("gonghui.honours.urls")),
    path("api/", api.urls),
    path("", include(urls_join.public_urlpatterns)),
]

# Reachable without login; the route-coverage test checks every other route is protected.
PUBLIC_URL_NAMES = {"login", "logout", "healthz"} | urls_join.PUBLIC_NAMES
