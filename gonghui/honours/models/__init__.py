"""建功立业 and 产改: competitions, honours and model workers' care, innovation studios, industrial-worker reform.

Every business table is a ``ScopedModel`` (an owning ``org``) or a child row scoped through its parent's org.
People are never copied in: an individual participant, honoured person or studio member is a foreign key to
the member registry (``members.Member``), whose masked ID number and phone are what pages show.
"""

from gonghui.honours.models.common import AwardGrade, Level
from gonghui.honours.models.competitions import (
    Challenge,
    ChallengeStatus,
    Competition,
    CompetitionKind,
    CompetitionParticipant,
    CompetitionProject,
    CompetitionStage,
    CompetitionStatus,
    CompetitionTeam,
    ProjectMode,
    ProjectReview,
    ProjectState,
    ReviewAction,
    StageKind,
)

__all__ = [
    "AwardGrade",
    "Challenge",
    "ChallengeStatus",
    "Competition",
    "CompetitionKind",
    "CompetitionParticipant",
    "CompetitionProject",
    "CompetitionStage",
    "CompetitionStatus",
    "CompetitionTeam",
    "Level",
    "ProjectMode",
    "ProjectReview",
    "ProjectState",
    "ReviewAction",
    "StageKind",
]
