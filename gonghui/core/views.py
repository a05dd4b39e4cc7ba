from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.querysets import can
from gonghui.orgs.models import Employer, Organization
from gonghui.orgs.selectors import type_counts


@login_required
def home(request):
    user = request.user
    context = {"title": "工作台"}
    if can(user, Organization, "view"):
        orgs = Organization.objects.restrict(user, "view")
        context["org_counts"] = type_counts(orgs)
        context["org_total"] = sum(row["count"] for row in context["org_counts"])
    if can(user, Employer, "view"):
        context["employer_total"] = Employer.objects.restrict(user, "view").count()
    from gonghui.notices.selectors import recent_announcements_for

    context["announcements"] = recent_announcements_for(user)[:5]
    return render(request, "core/home.html", context)


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
