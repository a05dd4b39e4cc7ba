"""Programme models, one module per area: stations (驿站), centres (职工服务中心), projects (民生实事)."""

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
    "CHECKLIST",
    "FACILITIES",
    "BuildKind",
    "CoordSystem",
    "HostType",
    "Inspection",
    "InspectionResult",
    "StarRating",
    "Station",
    "StationPhoto",
    "StationStatus",
    "UsageReport",
]
