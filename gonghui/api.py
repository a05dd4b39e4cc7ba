"""The JSON API root: /api/, OpenAPI docs at /api/docs.

Authentication: the browser session (with CSRF) or a personal token
(``Authorization: Bearer gh_…``). Every endpoint reads through ``restrict``.
"""

from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI

from gonghui.accounts.api_auth import SessionAuthCSRF, TokenAuth

api = NinjaAPI(
    title="gonghui 工会工作平台 API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=login_required,
    auth=[TokenAuth(), SessionAuthCSRF()],
)

from gonghui.orgs.api import router as orgs_router  # noqa: E402

api.add_router("/", orgs_router)

from gonghui.members.api import router as members_router  # noqa: E402

api.add_router("/", members_router)

from gonghui.targets.api_dashboard import router as targets_dashboard_router  # noqa: E402
from gonghui.targets.api_plans import router as targets_plans_router  # noqa: E402
from gonghui.targets.api_reports import router as targets_reports_router  # noqa: E402
from gonghui.targets.api_tasks import router as targets_tasks_router  # noqa: E402

api.add_router("/", targets_plans_router)
api.add_router("/", targets_reports_router)
api.add_router("/", targets_tasks_router)
api.add_router("/", targets_dashboard_router)

from gonghui.intel.api import router as intel_router  # noqa: E402

api.add_router("/", intel_router)

from gonghui.programmes.api_stations import router as programmes_stations_router  # noqa: E402

api.add_router("/", programmes_stations_router)

from gonghui.rights.api import router as rights_router  # noqa: E402

api.add_router("/", rights_router)

from gonghui.honours.api import router as honours_router  # noqa: E402

api.add_router("/", honours_router)

from gonghui.programmes.api_centres import router as programmes_centres_router  # noqa: E402

api.add_router("/", programmes_centres_router)

from gonghui.programmes.api_projects import router as programmes_projects_router  # noqa: E402

api.add_router("/", programmes_projects_router)

from gonghui.reports.api_returns import router as reports_returns_router  # noqa: E402

api.add_router("/", reports_returns_router)
from gonghui.orgs.api_establishment import router as orgs_establishment_router  # noqa: E402

api.add_router("/", orgs_establishment_router)
from gonghui.programmes.api_health import router as programmes_health_router  # noqa: E402

api.add_router("/", programmes_health_router)
from gonghui.unionwork.api import router as unionwork_router  # noqa: E402

api.add_router("/", unionwork_router)
from gonghui.programmes.api_jobfairs import router as programmes_jobfairs_router  # noqa: E402

api.add_router("/", programmes_jobfairs_router)
from gonghui.programmes.api_hardship import router as programmes_hardship_router  # noqa: E402

api.add_router("/", programmes_hardship_router)
from gonghui.programmes.api_mutualaid import router as programmes_mutualaid_router  # noqa: E402

api.add_router("/", programmes_mutualaid_router)
