"""Coordinate conversion: published reference values and properties over the whole of China."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.programmes import geo

# wandergis/coordtransform's README example (lng 116.404, lat 39.915), the de-facto reference implementation.
REF = (39.915, 116.404)


def test_reference_values():
    assert geo.wgs84_to_gcj02(*REF) == pytest.approx((39.91640428150164, 116.41024449916938), abs=1e-12)
    assert geo.gcj02_to_bd09(*REF) == pytest.approx((39.92133699351021, 116.41036949371029), abs=1e-12)
    # Their BD-09 inverse is the approximate formula; ours refines it, so agree to ~1e-6 degrees (10 cm).
    assert geo.bd09_to_gcj02(*REF) == pytest.approx((39.90865673957631, 116.39762729119315), abs=2e-6)
    assert geo.gcj02_to_bd09(*geo.bd09_to_gcj02(*REF)) == pytest.approx(REF, abs=1e-9)
    # Their one-step inverse is approximate (metres); ours iterates and lands within a millimetre of it-or-better:
    lat, lng = geo.gcj02_to_wgs84(*REF)
    assert (lat, lng) == pytest.approx((39.91359571849836, 116.39775550083061), abs=2e-5)
    assert geo.wgs84_to_gcj02(lat, lng) == pytest.approx(REF, abs=1e-9)


def test_outside_china_is_unchanged():
    tokyo = (35.6812, 139.7671)
    assert geo.wgs84_to_gcj02(*tokyo) == tokyo
    assert geo.gcj02_to_wgs84(*tokyo) == tokyo


def test_gcj02_offset_near_changzhou_is_a_few_hundred_metres():
    wgs = (31.7787, 119.9466)  # 常州 city centre
    gcj = geo.wgs84_to_gcj02(*wgs)
    offset = geo.distance_m(*wgs, *gcj)
    assert 300 < offset < 700


china_lat = st.floats(min_value=18.0, max_value=53.0)
china_lng = st.floats(min_value=74.0, max_value=134.0)


@settings(max_examples=300, deadline=None)
@given(china_lat, china_lng)
def test_gcj02_round_trip_is_exact_to_a_millimetre(lat, lng):
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lat, lng))
    assert geo.distance_m(lat, lng, *back) < 0.001


@settings(max_examples=300, deadline=None)
@given(china_lat, china_lng)
def test_bd09_round_trip(lat, lng):
    back = geo.bd09_to_gcj02(*geo.gcj02_to_bd09(lat, lng))
    assert geo.distance_m(lat, lng, *back) < 0.001
    for system in geo.CoordSystem:
        there = geo.from_wgs84(lat, lng, system)
        assert geo.distance_m(lat, lng, *geo.to_wgs84(*there, system)) < 0.001


@settings(max_examples=200, deadline=None)
@given(china_lat, china_lng)
def test_offsets_stay_within_known_bounds(lat, lng):
    # GCJ-02 moves points by tens to ~700 m; BD-09 adds roughly another 1 km.
    gcj = geo.wgs84_to_gcj02(lat, lng)
    assert geo.distance_m(lat, lng, *gcj) < 1200
    assert geo.distance_m(*gcj, *geo.gcj02_to_bd09(*gcj)) < 1500


@settings(max_examples=200, deadline=None)
@given(china_lat, china_lng, st.floats(min_value=10, max_value=500_000))
def test_bounding_box_contains_the_circle(lat, lng, radius):
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, lng, radius)
    for bearing in range(0, 360, 15):
        # a point at ``radius`` along ``bearing`` (spherical destination formula)
        d = radius / geo.EARTH_RADIUS_M
        b = math.radians(bearing)
        p1, l1 = math.radians(lat), math.radians(lng)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
        l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
        assert min_lat - 1e-9 <= math.degrees(p2) <= max_lat + 1e-9
        assert min_lng - 1e-9 <= math.degrees(l2) <= max_lng + 1e-9


def test_distance_known_value():
    # 常州 → 南京 (新街口): about 114 km as the crow flies (an independent haversine by hand gives 114.1 km)
    assert geo.distance_m(31.7787, 119.9466, 32.0416, 118.7784) == pytest.approx(113_000, rel=0.05)


def test_convert_between_any_systems():
    lat, lng = geo.convert(31.78, 119.95, "bd09", "gcj02")
    assert (lat, lng) == pytest.approx(geo.bd09_to_gcj02(31.78, 119.95), abs=1e-9)
    assert geo.convert(31.78, 119.95, "wgs84", "wgs84") == (31.78, 119.95)
