"""Readers for competitions. Every function takes the user and returns only what they may see.

A competition is visible to a user holding the view permission when it is (a) within their data scope
(organised by a unit they manage), or (b) running and organised by their own unit or one of its ancestors:
units below the organiser must see the call to declare projects, bid for challenges and enter people.
Everything under a competition (projects, teams, participants) belongs to the unit that entered it and is
read through ``restrict``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from gonghui.core.querysets import can, scope_q
from gonghui.honours.models import (
    Challenge,
    Competition,
    CompetitionParticipant,
    CompetitionProject,
    CompetitionStatus,
    CompetitionTeam,
    ProjectState,
)
from gonghui.members.models import Member
from gonghui.orgs.models import Organization


def ancestor_paths(org: Organization) -> list[str]:
    """The paths of ``org`` and every ancestor (materialised path prefixes)."""
    steplen = Organization.steplen
    return [org.path[: steplen * depth] for depth in range(1, len(org.path) // steplen + 1)]


def open_to_unit_q(user: Any) -> Q | None:
    """Running competitions organised by the user's unit or above; None when the user has no unit."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.org_id:
        return None
    return Q(status=CompetitionStatus.RUNNING, org__path__in=ancestor_paths(user.org))


def competitions_for(user: Any, action: str = "view") -> QuerySet:
    """Managed competitions in scope, plus (for viewing) the running ones the user's unit may join."""
    managed = scope_q(user, Competition, action)
    if managed is None:
        return Competition.objects.none()
    queryset = Competition.objects.select_related("org")
    if not managed:
        return queryset.all()
    joinable = open_to_unit_q(user) if action == "view" else None
    return queryset.filter(managed | joinable) if joinable is not None else queryset.filter(managed)


def joinable_competitions(user: Any) -> QuerySet:
    """Running competitions the user may declare projects in or enter people for."""
    return competitions_for(user, "view").filter(status=CompetitionStatus.RUNNING)


def is_organiser(user: Any, competition: Competition) -> bool:
    """The organising unit (or a unit above it) with the approve permission runs stages, calls and results."""
    return Competition.objects.restrict(user, "approve").filter(pk=competition.pk).exists()


def may_manage(user: Any, competition: Competition, action: str = "change") -> bool:
    return Competition.objects.restrict(user, action).filter(pk=competition.pk).exists()


def with_counts(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        participant_count=Count("participants", distinct=True),
        project_count=Count("projects", distinct=True),
    )


def projects_for(user: Any, action: str = "view") -> QuerySet:
    return CompetitionProject.objects.restrict(user, action).select_related(
        "org", "competition", "current_org", "challenge"
    )


def projects_awaiting(user: Any) -> QuerySet:
    """Projects whose turn it is for the user's own unit to review (待我审核)."""
    if not user.org_id or not can(user, CompetitionProject, "approve"):
        return CompetitionProject.objects.none()
    return projects_for(user, "approve").filter(state=ProjectState.SUBMITTED, current_org_id=user.org_id)


def competition_projects(user: Any, competition: Competition) -> QuerySet:
    return projects_for(user).filter(competition=competition).order_by("mode", "-submitted_on", "pk")


def competition_challenges(competition: Competition) -> QuerySet:
    """The challenges of a competition the caller has already read through ``competitions_for``."""
    return Challenge.objects.filter(competition=competition).annotate(bid_count=Count("bids"))


def participants_for(user: Any, action: str = "view") -> QuerySet:
    return CompetitionParticipant.objects.restrict(user, action).select_related("member", "org", "team", "competition")


def teams_for(user: Any, action: str = "view") -> QuerySet:
    return CompetitionTeam.objects.restrict(user, action).select_related("org", "competition")


def competition_participants(user: Any, competition: Competition) -> QuerySet:
    return participants_for(user).filter(competition=competition).order_by("team__name", "rank", "member__name", "pk")


def competition_teams(user: Any, competition: Competition) -> QuerySet:
    return (
        teams_for(user).filter(competition=competition).annotate(size=Count("members")).order_by("rank", "name", "pk")
    )


def award_summary(user: Any, competition: Competition) -> dict[str, int]:
    """Awards among the visible participants and teams, by grade label."""
    from gonghui.honours.models import AwardGrade

    counts: dict[str, int] = {}
    for queryset in (competition_participants(user, competition), teams_for(user).filter(competition=competition)):
        for row in queryset.exclude(award="").values("award").annotate(n=Count("pk")).order_by():
            label = AwardGrade(row["award"]).label
            counts[label] = counts.get(label, 0) + row["n"]
    return counts


def entry_units(user: Any, competition: Competition) -> QuerySet:
    """Units the user may enter people or projects for in ``competition``: in scope and under the organiser."""
    return Organization.objects.restrict(user, "view").filter(path__subtree=competition.org.path)


def member_choices(user: Any) -> QuerySet:
    """Members the user may pick (the member registry's own scope)."""
    return Member.objects.restrict(user, "view").filter(status="active").select_related("org")
