"""建功立业 and 产改: competitions, honours and model workers' care, innovation studios, industrial-worker reform.

Every business table is a ``ScopedModel`` (an owning ``org``) or a child row scoped through its parent's org.
People are never copied in: an individual participant, honoured person or studio member is a foreign key to
the member registry (``members.Member``), whose masked ID number and phone are what pages show.
"""

from gonghui.honours.models.common import AwardGrade, Level, StepLog, actor_name
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
from gonghui.honours.models.honours import (
    ANNUAL_CARE,
    CARE_KINDS,
    PERSON_KINDS,
    CareKind,
    CareRecord,
    Honour,
    HonourAction,
    HonourKind,
    HonourState,
    HonourStep,
)
from gonghui.honours.models.reform import (
    DemoSite,
    MeasureStatus,
    PilotEnterprise,
    PilotLiaison,
    PilotStatus,
    ReformMeasure,
)
from gonghui.honours.models.studios import (
    AchievementKind,
    InnovationStudio,
    ReviewRating,
    StudioAchievement,
    StudioKind,
    StudioReview,
    StudioStatus,
)

__all__ = [
    "ANNUAL_CARE",
    "CARE_KINDS",
    "PERSON_KINDS",
    "AchievementKind",
    "AwardGrade",
    "CareKind",
    "CareRecord",
    "Challenge",
    "ChallengeStatus",
    "Competition",
    "CompetitionKind",
    "CompetitionParticipant",
    "CompetitionProject",
    "CompetitionStage",
    "CompetitionStatus",
    "CompetitionTeam",
    "DemoSite",
    "Honour",
    "HonourAction",
    "HonourKind",
    "HonourState",
    "HonourStep",
    "InnovationStudio",
    "Level",
    "MeasureStatus",
    "PilotEnterprise",
    "PilotLiaison",
    "PilotStatus",
    "ProjectMode",
    "ProjectReview",
    "ProjectState",
    "ReformMeasure",
    "ReviewAction",
    "ReviewRating",
    "StageKind",
    "StepLog",
    "StudioAchievement",
    "StudioKind",
    "StudioReview",
    "StudioStatus",
    "actor_name",
]
