"""Programme models, one module per area: stations (驿站), centres (职工服务中心), projects (民生实事)."""

from gonghui.programmes.models.centres import BUILT_STATUSES, CenterKind, ConstructionStatus, ServiceCenter
from gonghui.programmes.models.projects import LivelihoodProject
from gonghui.programmes.models.stations import (
    CHECKLIST,
    FACILITIES,
    BuildKind,
    CoordSystem,
    HostType,
    Inspection,
    InspectionResult,
    StarRating,
    Station,
    StationPhoto,
    StationStatus,
    UsageReport,
)

__all__ = [
    "BUILT_STATUSES",
    "CHECKLIST",
    "FACILITIES",
    "BuildKind",
    "CenterKind",
    "ConstructionStatus",
    "CoordSystem",
    "HostType",
    "Inspection",
    "InspectionResult",
    "LivelihoodProject",
    "ServiceCenter",
    "StarRating",
    "Station",
    "StationPhoto",
    "StationStatus",
    "UsageReport",
]

# 职工互助保障 (mutual aid)
from gonghui.programmes.models.mutualaid import (
    ClaimState,
    MutualAidClaim,
    MutualAidClaimDocument,
    MutualAidEnrolment,
    MutualAidPayment,
    MutualAidPlan,
    PlanKind,
)

__all__ += [
    "ClaimState",
    "MutualAidClaim",
    "MutualAidClaimDocument",
    "MutualAidEnrolment",
    "MutualAidPayment",
    "MutualAidPlan",
    "PlanKind",
]
