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

# 困难职工档案 and 帮扶慰问 (hardship files, assistance campaigns)
from gonghui.programmes.models.assistance import Assistance, Campaign
from gonghui.programmes.models.hardship import HardshipAttachment, HardshipEvent, HardshipFile

__all__ += ["Assistance", "Campaign", "HardshipAttachment", "HardshipEvent", "HardshipFile"]
