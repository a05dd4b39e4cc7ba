"""Mark the computed figures stale when the records behind them change (see figures.ensure_fresh)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gonghui.members.models import Member, MembershipEvent
from gonghui.orgs.models import Organization


@receiver(post_save, sender=Organization, dispatch_uid="targets.stale.org_save")
@receiver(post_delete, sender=Organization, dispatch_uid="targets.stale.org_delete")
@receiver(post_save, sender=Member, dispatch_uid="targets.stale.member_save")
@receiver(post_delete, sender=MembershipEvent, dispatch_uid="targets.stale.event_delete")
@receiver(post_save, sender=MembershipEvent, dispatch_uid="targets.stale.event_save")
def _records_changed(sender, **kwargs) -> None:
    from gonghui.targets.figures import mark_stale

    mark_stale()
