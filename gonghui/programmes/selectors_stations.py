"""Readers for stations: restricted lists, nearest-to-a-point, overdue inspections, map points."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, QuerySet

from gonghui.programmes import geo
from gonghui.programmes.models.stations import (
    Inspection,
    InspectionResult,
    Station,
    StationStatus,
    facility_mask,
)

#: the nearest-station search starts with this radius (metres) and widens by the density it finds
FIRST_RADIUS_M = 5_000
MAX_RADIUS_M = 2_000_000


def stations_for(user, action: str = "view") -> QuerySet[Station]:
    return Station.objects.restrict(user, action).select_related("org")


def public_stations() -> QuerySet[Station]:
    """What the public 附近驿站 page may show: operating stations only, nothing else about them is private."""
    return Station.objects.filter(status=StationStatus.OPERATING)


def with_facilities(queryset: QuerySet[Station], codes) -> QuerySet[Station]:
    """Stations that have every facility in ``codes``."""
    mask = facility_mask(codes)
    if not mask:
        return queryset
    return queryset.annotate(_has=F("facilities").bitand(mask)).filter(_has=mask)


@dataclass(frozen=True)
class Nearby:
    station: Station
    distance_m: float

    @property
    def distance_label(self) -> str:
        if self.distance_m < 1000:
            return f"{round(self.distance_m)} 米"
        return f"{self.distance_m / 1000:.1f} 公里"


def nearest(
    queryset: QuerySet[Station],
    lat: float,
    lng: float,
    *,
    coord_system: str = geo.CoordSystem.WGS84,
    limit: int = 10,
    max_distance_m: float | None = None,
) -> list[Nearby]:
    """The ``limit`` stations of ``queryset`` nearest to a point, nearest first.

    Widens a bounding box (answered by the (wgs_lat, wgs_lng) index) until it holds ``limit`` stations within
    the box's inscribed circle, so the answer is exact, not just "the ones in the box": anything outside the
    circle is farther than everything inside it.
    """
    lat, lng = geo.to_wgs84(lat, lng, coord_system)
    radius = FIRST_RADIUS_M if max_distance_m is None else min(FIRST_RADIUS_M, max_distance_m)
    found: list[tuple[float, int]] = []
    while True:
        min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, lng, radius)
        candidates = queryset.filter(wgs_lat__range=(min_lat, max_lat), wgs_lng__range=(min_lng, max_lng))
        # Only ids and positions cross the wire; the few winners are loaded whole afterwards.
        found = []
        for pk, station_lat, station_lng in candidates.values_list("pk", "wgs_lat", "wgs_lng").order_by():
            distance = geo.distance_m(lat, lng, station_lat, station_lng)
            if distance <= radius:
                found.append((distance, pk))
        capped = max_distance_m is not None and radius >= max_distance_m
        if len(found) >= limit or capped or radius >= MAX_RADIUS_M:
            break
        # Widen straight to the radius the density seen so far says will hold ``limit`` stations (with room).
        growth = math.sqrt(limit / max(len(found), 1)) * 1.5
        radius = min(radius * max(growth, 2.0), MAX_RADIUS_M)
        if max_distance_m is not None:
            radius = min(radius, max_distance_m)
    if len(found) < limit and max_distance_m is None and radius >= MAX_RADIUS_M:
        # Fewer than ``limit`` within 2,000 km: the rest of the queryset is farther still; rank all of it.
        found = [
            (geo.distance_m(lat, lng, station_lat, station_lng), pk)
            for pk, station_lat, station_lng in queryset.values_list("pk", "wgs_lat", "wgs_lng").order_by()
        ]
    found.sort()
    winners = found[:limit]
    stations = queryset.in_bulk([pk for _distance, pk in winners])
    return [Nearby(stations[pk], distance) for distance, pk in winners if pk in stations]


def overdue_inspections(user, today: datetime.date | None = None) -> QuerySet[Station]:
    """Operating stations in scope whose inspection is overdue, longest overdue first.

    The scope rule makes this the list for the station's own union and each union above it.
    """
    today = today or datetime.date.today()
    return (
        stations_for(user)
        .filter(status=StationStatus.OPERATING, next_inspection_due__lt=today)
        .order_by("next_inspection_due", "pk")
    )


def fixes_overdue(user, today: datetime.date | None = None) -> QuerySet[Inspection]:
    """Inspections with problems whose fix deadline has passed without a passing re-inspection."""
    today = today or datetime.date.today()
    return (
        Inspection.objects.restrict(user, "view")
        .exclude(result=InspectionResult.PASSED)
        .filter(fixed_on__isnull=True, fix_deadline__lt=today)
        .select_related("station", "org")
        .order_by("fix_deadline", "pk")
    )


def map_points(queryset: QuerySet[Station], system: str | None = None) -> list[dict]:
    """The stations as plain dicts for the map, positioned in the tile source's coordinate system."""
    system = system or tile_coord_system()
    points = []
    for station in queryset.select_related(None).only(
        "pk", "name", "address", "status", "facilities", "star_rating", "opening_hours", "wgs_lat", "wgs_lng"
    ):
        lat, lng = geo.from_wgs84(station.wgs_lat, station.wgs_lng, system)
        points.append(
            {
                "id": station.pk,
                "name": station.name,
                "address": station.address,
                "status": station.status,
                "status_label": station.get_status_display(),
                "facilities": station.facility_codes,
                "stars": station.star_rating,
                "hours": station.opening_hours,
                "lat": round(lat, 6),
                "lng": round(lng, 6),
                "url": station.get_absolute_url(),
            }
        )
    return points


def tile_coord_system() -> str:
    value = getattr(settings, "MAP_TILE_COORDS", "wgs84")
    return value if value in {s.value for s in geo.CoordSystem} else geo.CoordSystem.WGS84


def tile_url() -> str:
    url = getattr(settings, "MAP_TILE_URL", "-")
    return "" if url in ("", "-") else url


def region_centre(text: str) -> tuple[float, float, str] | None:
    """A typed place (a district's name or part of an address) → the WGS-84 centre of the operating stations
    there and the name matched; None when no station is there. No geocoder: the registry is the gazetteer."""
    from gonghui.utilities.validators import region_names

    text = text.strip()
    if not text:
        return None
    codes = [code for code, name in region_names().items() if text in name or name.startswith(text)]
    stations = public_stations()
    matched = stations.filter(region_code__in=codes) if codes else stations.none()
    label = ""
    if matched.exists():
        label = region_names().get(codes[0], text) if len(codes) == 1 else text
    else:
        matched = stations.filter(address__icontains=text)
        label = text
    points = list(matched.values_list("wgs_lat", "wgs_lng")[:5000])
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points), label
