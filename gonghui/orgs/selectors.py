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


#: 建会率 size bands (staff count): label, lowest, highest (None: no upper bound)
ESTABLISHMENT_BANDS = (("100+", "职工100人以上", 100, None), ("25-99", "职工25–99人", 25, 99))


def subtree_counts(org: Organization, user=None) -> dict:
    """Cumulative counts over an organisation and every descendant, answered by SQL.

    With a ``user`` who may not see members, the ``members`` block is None.
    """
    subtree = Organization.objects.filter(path__subtree=org.path)
    totals = subtree.exclude(pk=org.pk).aggregate(
        units=Count("pk", filter=~Q(status=OrgStatus.DISSOLVED)),
        dissolved=Count("pk", filter=Q(status=OrgStatus.DISSOLVED)),
    )
    bands = {}
    for key, _label, low, high in ESTABLISHMENT_BANDS:
        band = Q(staff_count__gte=low) & (Q(staff_count__lte=high) if high is not None else Q())
        bands[f"band_{key}"] = Count("pk", filter=band)
        bands[f"band_{key}_unionised"] = Count("pk", filter=band & Q(union__isnull=False))
    employers = Employer.objects.filter(org__path__subtree=org.path).aggregate(
        employers=Count("pk"),
        unionised=Count("pk", filter=Q(union__isnull=False)),
        platforms=Count("pk", filter=Q(is_platform=True)),
        staff=Coalesce(Sum("staff_count"), Value(0)),
        women=Coalesce(Sum("women_count"), Value(0)),
        **bands,
    )
    establishment = []
    for key, label, _low, _high in ESTABLISHMENT_BANDS:
        total, unionised = employers.pop(f"band_{key}"), employers.pop(f"band_{key}_unionised")
        rate = round(unionised * 100 / total, 1) if total else None
        establishment.append({"band": key, "label": label, "employers": total, "unionised": unionised, "rate": rate})
    return {
        "by_type": type_counts(subtree.exclude(pk=org.pk)),
        **totals,
        **employers,
        "establishment": establishment,
        "members": _member_counts(org, user),
    }


def _member_counts(org: Organization, user) -> dict | None:
    from gonghui.core.querysets import can
    from gonghui.members.models import Member
    from gonghui.members.selectors import member_counts

    if user is not None and not can(user, Member, "view"):
        return None
    return member_counts(org)


def descendant_count(*, active_only: bool):
    """Cumulative number of descendants of each row: an index range count, skipped for leaves."""
    from django.db.models import Case, When

    descendants = Organization.objects.filter(path__subtree=OuterRef("path")).exclude(pk=OuterRef("pk"))
    if active_only:
        descendants = descendants.exclude(status=OrgStatus.DISSOLVED)
    counted = descendants.order_by().values(dummy=Value(1)).annotate(c=Count("pk")).values("c")
    return Case(
        When(numchild=0, then=Value(0)),
        default=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
        output_field=IntegerField(),
    )


def with_tree_counts(queryset: QuerySet) -> QuerySet:
    """Each node with its cumulative count of active descendants."""
    return queryset.annotate(descendant_count=descendant_count(active_only=True), has_children=F("numchild"))


def children_with_counts(user, parent: Organization | None, action: str = "view") -> QuerySet:
    """Direct children (or roots) the user may see, each with cumulative descendant counts."""
    visible = Organization.objects.restrict(user, action)
    if parent is None:
        queryset = visible.filter(depth=1)
    else:
        queryset = visible.filter(path__subtree=parent.path, depth=parent.depth + 1)
    return with_tree_counts(queryset)


def tree_roots_for(user) -> QuerySet:
    """The top nodes of what the user sees: visible nodes whose parent is not visible.

    With a custom scope a node can be visible while its parent is not; it then shows as
    a root of its own, since its parent's lazy children will not list it.
    """
    from django.db.models import Exists
    from django.db.models.functions import Length, Substr

    from gonghui.core.querysets import role_grants

    visible = Organization.objects.restrict(user, "view")
    # Only the tops of scopes can be roots: the tree's roots, the user's unit, custom-scope units.
    candidates = {user.org_id} if user.org_id else set()
    for _scope, _perms, custom in role_grants(user) if not user.is_superuser else ():
        candidates.update(custom)
    parent_visible = visible.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen))
    return visible.filter(Q(depth=1) | Q(pk__in=candidates)).filter(~Exists(parent_visible))


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
    return queryset.annotate(
        parent_name=Subquery(parent),
        descendant_count=descendant_count(active_only=False),
    )
