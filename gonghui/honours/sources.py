"""The computed indicator sources the honours records answer (see gonghui/targets/sources.py).

A competition counts as held (``competitions_held``) once launched, in the period of its start date, in the
organising unit's subtree. Its participants (``competition_participants``) count in the entering unit's subtree,
in the period of the competition's start date.
"""

from __future__ import annotations

from django.db.models import Q

from gonghui.targets.sources import RecordSource, register

HELD = ("running", "concluded")

register(
    RecordSource(
        key="competitions_held",
        model="honours.Competition",
        date_field="start_date",
        filter=Q(status__in=HELD),
        records_page=("honours:competition_list", "within", "start_from", "start_to", "held=1"),
    )
)
register(
    RecordSource(
        key="competition_participants",
        model="honours.CompetitionParticipant",
        date_field="competition__start_date",
        filter=Q(competition__status__in=HELD),
        records_page=("honours:participant_list", "within", "start_from", "start_to", "held=1"),
    )
)

# An honour counts for ``model_workers`` when awarded to a person, in the period of its award date, in the
# nominating unit's subtree.
register(
    RecordSource(
        key="model_workers",
        model="honours.Honour",
        date_field="awarded_on",
        filter=Q(
            state="awarded", kind__in=("model_worker", "advanced_worker", "may_day_medal", "craftsman", "gold_worker")
        ),
        records_page=("honours:honour_list", "within", "awarded_from", "awarded_to", "state=awarded&personal=1"),
    )
)

# A studio counts for ``innovation_studios`` in the period it was named, in its unit's subtree, unless revoked.
register(
    RecordSource(
        key="innovation_studios",
        model="honours.InnovationStudio",
        date_field="named_on",
        filter=Q(status="active"),
        records_page=("honours:studio_list", "within", "named_from", "named_to", "status=active"),
    )
)

# 产改: a pilot counts in the period it was designated, unless it withdrew; a demonstration site when named.
register(
    RecordSource(
        key="reform_pilot_enterprises",
        model="honours.PilotEnterprise",
        date_field="designated_on",
        filter=~Q(status="withdrawn"),
        records_page=("honours:pilot_list", "within", "designated_from", "designated_to", "current=1"),
    )
)
register(
    RecordSource(
        key="reform_demo_sites",
        model="honours.DemoSite",
        date_field="named_on",
        records_page=("honours:demo_site_list", "within", "named_from", "named_to", ""),
    )
)
