"""Readers for the organisation tree. Every function takes the user and returns restricted data."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from gonghui.orgs.models import Employer, Organization, OrgStatus, OrgType


def type_counts(queryset: QuerySet) -> list[dict]:
    """Counts by organisation type over a (restricted) queryset, in one GROUP BY."""
    rows = {
        row["org_type"]: row["count"]
        for row in queryset.exclude(status=OrgStatus.DISSOLVED)
        .order_by()
        .values("org_type")
        .annotate(count=Count("pk"))
    }
    return [{"type": t.value, "label": t.label, "count": rows[t.value]} for t in OrgType if rows.get(t.value)]


def subtree_counts(org: Organization) -> dict:
    """Cumulative counts over an organisation and every descendant, answered by SQL."""
    subtree = Organization.objects.filter(path__startswith=org.path)
    totals = subtree.exclude(pk=org.pk).aggregate(
        units=Count("pk", filter=~Q(status=OrgStatus.DISSOLVED)),
        dissolved=Count("pk", filter=Q(status=OrgStatus.DISSOLVED)),
    )
    employers = Employer.objects.filter(org__path__startswith=org.path).aggregate(
        employers=Count("pk"),
        unionised=Count("pk", filter=Q(union__isnull=False)),
        platforms=Count("pk", filter=Q(is_platform=True)),
        staff=Coalesce(Sum("staff_count"), Value(0)),
        women=Coalesce(Sum("women_count"), Value(0)),
    )
    return {
        "by_type": type_counts(subtree.exclude(pk=org.pk)),
        **totals,
        **employers,
    }


def with_tree_counts(queryset: QuerySet) -> QuerySet:
    """Each node with its cumulative count of active descendants, as one correlated subquery."""
    descendants = (
        Organization.objects.filter(path__startswith=OuterRef("path"))
        .exclude(pk=OuterRef("pk"))
        .exclude(status=OrgStatus.DISSOLVED)
        .order_by()
        .values(dummy=Value(1))
        .annotate(c=Count("pk"))
        .values("c")
    )
    return queryset.annotate(
        descendant_count=Coalesce(Subquery(descendants, output_field=IntegerField()), Value(0)),
        has_children=F("numchild"),
    )


def children_with_counts(user, parent: Organization | None, action: str = "view") -> QuerySet:
    """Direct children (or roots) the user may see, each with cumulative descendant counts."""
    visible = Organization.objects.restrict(user, action)
    if parent is None:
        queryset = visible.filter(depth=1)
    else:
        queryset = visible.filter(path__startswith=parent.path, depth=parent.depth + 1)
    return with_tree_counts(queryset)


def tree_roots_for(user) -> QuerySet:
    """The top nodes of what the user sees: visible nodes whose parent is not visible.

    With a custom scope a node can be visible while its parent is not; it then shows as
    a root of its own, since its parent's lazy children will not list it.
    """
    from django.db.models import Exists
    from django.db.models.functions import Length, Substr

    visible = Organization.objects.restrict(user, "view")
    parent_visible = visible.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen))
    return visible.filter(~Exists(parent_visible))


def search_orgs(user, term: str, limit: int = 50) -> QuerySet:
    """Search by name, short name, organisation code, or an employer's credit code."""
    term = term.strip()
    visible = Organization.objects.restrict(user, "view")
    if not term:
        return visible.none()
    by_uscc = Employer.objects.restrict(user, "view").filter(uscc=term.upper()).values("union_id")
    return visible.filter(
        Q(name__icontains=term) | Q(short_name__icontains=term) | Q(code__iexact=term) | Q(pk__in=by_uscc)
    )[:limit]


def with_list_annotations(queryset: QuerySet) -> QuerySet:
    """Parent name and cumulative descendant count per row, as subqueries (no N+1)."""
    from django.db.models.functions import Length, Substr

    steplen = Organization.steplen
    parent = Organization.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - steplen)).values(
        "name"
    )[:1]
    descendants = (
        Organization.objects.filter(path__startswith=OuterRef("path"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values(dummy=Value(1))
        .annotate(c=Count("pk"))
        .values("c")
    )
    return queryset.annotate(
        parent_name=Subquery(parent),
        descendant_count=Coalesce(Subquery(descendants, output_field=IntegerField()), Value(0)),
    )
