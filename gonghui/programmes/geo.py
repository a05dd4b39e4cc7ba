"""Chinese map coordinate systems and distances; no Django.

WGS-84 is what GPS and 天地图 (CGCS2000, within centimetres) use; GCJ-02 (国测局, "火星坐标") is what 高德,
腾讯 and most phone map SDKs return; BD-09 is 百度's further offset of GCJ-02. A station records the system its
coordinates were taken in; we keep a WGS-84 copy for distances and convert to the tile source's system for
display.

The GCJ-02 forward formula is the published one (as in wandergis/coordtransform); it has no closed inverse, so
``gcj02_to_wgs84`` iterates the forward function until it reproduces the input to 1e-9 degrees (millimetres),
instead of the usual one-step approximation that is off by up to a couple of metres.
"""

from __future__ import annotations

import math
from enum import StrEnum

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323  # its eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0
EARTH_RADIUS_M = 6371008.8  # mean radius (IUGG)


class CoordSystem(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


def out_of_china(lat: float, lng: float) -> bool:
    """GCJ-02 only shifts points inside this rough box around China; outside it GCJ-02 equals WGS-84."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if out_of_china(lat, lng):
        return lat, lng
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """The WGS-84 point whose GCJ-02 image is (lat, lng), by fixed-point iteration (converges in a few steps)."""
    if out_of_china(lat, lng):
        return lat, lng
    wlat, wlng = lat, lng
    for _ in range(30):
        glat, glng = wgs84_to_gcj02(wlat, wlng)
        dlat, dlng = glat - lat, glng - lng
        if abs(dlat) < 1e-10 and abs(dlng) < 1e-10:
            break
        wlat, wlng = wlat - dlat, wlng - dlng
    return wlat, wlng


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """The published approximate inverse (off by up to ~10 cm), refined by iterating the forward formula."""
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    glat, glng = z * math.sin(theta), z * math.cos(theta)
    for _ in range(10):
        blat, blng = gcj02_to_bd09(glat, glng)
        dlat, dlng = blat - lat, blng - lng
        if abs(dlat) < 1e-10 and abs(dlng) < 1e-10:
            break
        glat, glng = glat - dlat, glng - dlng
    return glat, glng


def to_wgs84(lat: float, lng: float, system: CoordSystem | str) -> tuple[float, float]:
    system = CoordSystem(system)
    if system == CoordSystem.WGS84:
        return lat, lng
    if system == CoordSystem.BD09:
        lat, lng = bd09_to_gcj02(lat, lng)
    return gcj02_to_wgs84(lat, lng)


def from_wgs84(lat: float, lng: float, system: CoordSystem | str) -> tuple[float, float]:
    system = CoordSystem(system)
    if system == CoordSystem.WGS84:
        return lat, lng
    lat, lng = wgs84_to_gcj02(lat, lng)
    if system == CoordSystem.BD09:
        return gcj02_to_bd09(lat, lng)
    return lat, lng


def convert(lat: float, lng: float, source: CoordSystem | str, target: CoordSystem | str) -> tuple[float, float]:
    if CoordSystem(source) == CoordSystem(target):
        return lat, lng
    return from_wgs84(*to_wgs84(lat, lng, source), target)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lng, max lng) of a box that contains every point within ``radius_m``."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlng = min(180.0, math.degrees(radius_m / (EARTH_RADIUS_M * cos_lat)))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng
