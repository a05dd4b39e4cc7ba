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

# 职工体检 and 疗休养 (models/health.py, models/recuperation.py)
from gonghui.programmes.models.health import (
    AppointmentStatus,
    BatchStatus,
    EligibleGroup,
    ExamVehicleVisit,
    HealthCheckAllocation,
    HealthCheckAppointment,
    HealthCheckBatch,
    VisitStatus,
)
from gonghui.programmes.models.recuperation import (
    ParticipantStatus,
    Priority,
    RecuperationGroup,
    RecuperationParticipant,
    RecuperationQuota,
    RecuperationRoute,
)

__all__ += [
    "AppointmentStatus",
    "BatchStatus",
    "EligibleGroup",
    "ExamVehicleVisit",
    "HealthCheckAllocation",
    "HealthCheckAppointment",
    "HealthCheckBatch",
    "ParticipantStatus",
    "Priority",
    "RecuperationGroup",
    "RecuperationParticipant",
    "RecuperationQuota",
    "RecuperationRoute",
    "VisitStatus",
]

# 就业服务 (job fairs)
from gonghui.programmes.models.jobfairs import FairMode, FairStatus, JobFair, JobFairEmployer  # noqa: E402

__all__ += ["FairMode", "FairStatus", "JobFair", "JobFairEmployer"]

# 困难职工档案 and 帮扶慰问 (hardship files, assistance campaigns)
from gonghui.programmes.models.assistance import Assistance, Campaign  # noqa: E402
from gonghui.programmes.models.hardship import HardshipAttachment, HardshipEvent, HardshipFile  # noqa: E402

__all__ += ["Assistance", "Campaign", "HardshipAttachment", "HardshipEvent", "HardshipFile"]

# 职工互助保障 (mutual aid)
from gonghui.programmes.models.mutualaid import (  # noqa: E402
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
