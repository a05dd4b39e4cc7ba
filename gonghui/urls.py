from django.urls import include, path

from gonghui.accounts import auth_views
from gonghui.api import api
from gonghui.core import views as core_views
from gonghui.members import urls_join
from gonghui.programmes import urls as programmes_urls
from gonghui.rights import urls as rights_urls

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
    path("intel/", include("gonghui.intel.urls")),
    path("honours/", include("gonghui.honours.urls")),
    path("api/", api.urls),
    path("", include(urls_join.public_urlpatterns)),
    path("programmes/", include("gonghui.programmes.urls")),
    path("", include(programmes_urls.public_urlpatterns)),
    path("rights/", include((rights_urls.urlpatterns, "rights"))),
    path("", include(rights_urls.public_urlpatterns)),
    path("reports/", include("gonghui.reports.urls")),
]

# Reachable without login; the route-coverage test checks every other route is protected.
PUBLIC_URL_NAMES = {"login", "logout", "healthz"} | urls_join.PUBLIC_NAMES
PUBLIC_URL_NAMES |= programmes_urls.PUBLIC_NAMES
PUBLIC_URL_NAMES |= rights_urls.PUBLIC_NAMES

urlpatterns.append(path("unionwork/", include("gonghui.unionwork.urls")))
