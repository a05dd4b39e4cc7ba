"""Nearest-station query over 20,000 stations: p50/p95 of ``selectors_stations.nearest`` and of the API.

    .venv/bin/python benchmarks/nearest_stations.py [--stations 20000] [--queries 300]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/nearest_stations.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/nearest_stations.py --both

Builds its own database (a temporary SQLite file, or ``gonghui_bench_nearest`` on the PostgreSQL server of
DATABASE_URL), migrates it, and writes a city → 10 districts → 20 towns tree with ``--stations`` operating
stations spread over a 120 km × 120 km square around 常州 (denser in the districts' centres, as real stations
are). Then asks, from random points in the square, for the 10 nearest operating stations in the scope of a
city-level union administrator (so the scope filter is in the query, as on every page):

- the selector alone (``nearest(Station.objects.restrict(user), …)``);
- ``GET /api/stations/nearest`` through Django's test client (auth, middleware, JSON).

It also prints the plan of the box query (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE: it must use a position index,
not scan every operating station), how many queries a search took, and the load average before and after, since
the machine is shared. SQLite is left without ANALYZE statistics on purpose (an untuned database must still pick
the position index). ``--both`` runs SQLite and then the PostgreSQL server of DATABASE_URL, one after the other.

Goal (issue 6): p95 ≤ 50 ms over 20,000 stations. Never touches the test databases.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CENTRE = (31.7787, 119.9466)
HALF_SIDE_M = 60_000


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def database_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        return urlunsplit(urlsplit(base)._replace(path="/gonghui_bench_nearest"))
    return f"sqlite:///{tempfile.mkdtemp(prefix='gh_nearest_')}/bench.sqlite3"


def prepare_postgres(url: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS gonghui_bench_nearest")
        conn.execute("CREATE DATABASE gonghui_bench_nearest")


def offset(lat: float, lng: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / 111_320, lng + east_m / (111_320 * math.cos(math.radians(lat)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--both", action="store_true", help="SQLite, then the PostgreSQL server of DATABASE_URL")
    args = parser.parse_args()
    if args.both:
        postgres = os.environ.get("DATABASE_URL", "")
        if not postgres.startswith("postgres"):
            parser.error("--both needs DATABASE_URL=postgres://… for the PostgreSQL run")
        base = [sys.executable, __file__, "--stations", str(args.stations), "--queries", str(args.queries)]
        for url in ("sqlite://", postgres):
            subprocess.run(base, env={**os.environ, "DATABASE_URL": url}, check=True)
        return
    url = database_url()
    if url.startswith("postgres"):
        prepare_postgres(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from gonghui.accounts.models import Role, User
    from gonghui.orgs.models import FederationLevel, Organization, OrgType
    from gonghui.programmes import selectors_stations
    from gonghui.programmes.models import Station

    call_command("migrate", verbosity=0)
    rng = random.Random(6)
    city = Organization.objects.add_root(
        instance=Organization(
            name="测试市总工会",
            code="B3204",
            org_type=OrgType.FEDERATION,
            level=FederationLevel.CITY,
            region_code="320400",
        )
    )
    towns = []
    for d in range(10):
        district = Organization.objects.add_child(
            city,
            instance=Organization(
                name=f"区{d}总工会",
                code=f"B{d:02d}",
                org_type=OrgType.FEDERATION,
                level=FederationLevel.COUNTY,
                region_code="320412",
            ),
        )
        for t in range(20):
            towns.append(
                Organization.objects.add_child(
                    district,
                    instance=Organization(
                        name=f"区{d}镇{t}工会", code=f"B{d:02d}{t:02d}", org_type=OrgType.TOWN, region_code="320412"
                    ),
                )
            )
    hubs = [offset(*CENTRE, rng.uniform(-50e3, 50e3), rng.uniform(-50e3, 50e3)) for _ in range(30)]
    rows = []
    started = time.perf_counter()
    for i in range(args.stations):
        if rng.random() < 0.7:
            hub = rng.choice(hubs)
            lat, lng = offset(*hub, rng.gauss(0, 4000), rng.gauss(0, 4000))
        else:
            lat, lng = offset(*CENTRE, rng.uniform(-HALF_SIDE_M, HALF_SIDE_M), rng.uniform(-HALF_SIDE_M, HALF_SIDE_M))
        station = Station(
            org=rng.choice(towns),
            name=f"驿站{i}",
            host_name="某单位",
            address="某路1号",
            region_code="320412",
            lat=Decimal(f"{lat:.6f}"),
            lng=Decimal(f"{lng:.6f}"),
            coord_system="gcj02",
            opening_hours="全天",
            facilities=rng.randrange(1 << 10),
            status="operating" if rng.random() < 0.9 else "suspended",
        )
        station.sync_derived()
        rows.append(station)
    Station.objects.bulk_create(rows, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{connection.vendor}: {args.stations} stations written in {time.perf_counter() - started:.1f} s")

    user = User.objects.create_user(username="bench", password="Bench@pass2026", org=city, must_change_password=False)
    user.roles.set(Role.objects.filter(code="union_admin"))
    user = User.objects.get(pk=user.pk)
    points = [
        offset(*CENTRE, rng.uniform(-HALF_SIDE_M, HALF_SIDE_M), rng.uniform(-HALF_SIDE_M, HALF_SIDE_M))
        for _ in range(args.queries)
    ]

    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    counts: dict[int, int] = {}
    for lat, lng in points[:100]:
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            selectors_stations.nearest(
                Station.objects.restrict(user, "view").filter(status="operating"), lat, lng, coord_system="gcj02"
            )
        counts[len(captured)] = counts.get(len(captured), 0) + 1
    print("queries per search (count: searches):", dict(sorted(counts.items())))

    def measure(label, run):
        run(*points[0])  # warm up
        timings = []
        for lat, lng in points:
            t0 = time.perf_counter()
            run(lat, lng)
            timings.append((time.perf_counter() - t0) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{label}: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")

    def selector(lat, lng):
        queryset = Station.objects.restrict(user, "view").filter(status="operating")
        found = selectors_stations.nearest(queryset, lat, lng, coord_system="gcj02", limit=10)
        assert len(found) == 10

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    def api(lat, lng):
        response = client.get(f"/api/stations/nearest?lat={lat:.6f}&lng={lng:.6f}&coord_system=gcj02&limit=10")
        assert response.status_code == 200 and len(response.json()) == 10

    explain(connection, user, points[0], Station, selectors_stations)
    print(f"load average before: {load_average()}")
    measure("nearest() selector, 10 nearest, scoped", selector)
    measure("GET /api/stations/nearest", api)
    print(f"load average after: {load_average()}")


def explain(connection, user, point, Station, selectors_stations) -> None:
    """The plan of the first box query of a search."""
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    queryset = Station.objects.restrict(user, "view").filter(status="operating")
    reset_queries()  # the query log is a bounded deque: a full one captures nothing
    with CaptureQueriesContext(connection) as captured:
        selectors_stations.nearest(queryset, *point, coord_system="gcj02", limit=10)
    box = captured.captured_queries[0]["sql"]
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, COSTS OFF) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + box)
        plan = [str(row[-1]) for row in cursor.fetchall()]
    print("plan of the box query:\n  " + "\n  ".join(plan))


if __name__ == "__main__":
    main()
