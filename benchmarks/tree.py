"""Organisation tree at city scale: page and API latency with scope applied.

Builds a city of 7 counties × 15 towns × N grassroots unions (default 10,000
unions) with 3 employers each, in a throwaway database (SQLite file by default,
or DATABASE_URL), then times the pages a county administrator and the city
administrator open most, through the full Django stack (middleware, restrict,
templates). Prints p50/p95 in milliseconds per page.

    .venv/bin/python benchmarks/tree.py [--unions 10000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--unions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="gonghui-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    os.environ["FAST_PASSWORD_HASHING"] = "1"
    os.environ["TESTING"] = "1"
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    if connection.vendor == "postgresql":
        from django.test.utils import get_runner

        runner = get_runner(settings)(verbosity=0, interactive=False)
        old = runner.setup_databases()
    else:
        call_command("migrate", verbosity=0)
        old = None
    try:
        build(args.unions)
        measure(args.repeat)
    finally:
        if old is not None:
            runner.teardown_databases(old)


def build(unions: int) -> None:
    from gonghui.accounts.models import Role, User
    from gonghui.orgs.models import Employer, Organization
    from gonghui.utilities.validators import uscc_check_char

    started = time.perf_counter()
    counties = ["320402", "320404", "320411", "320412", "320413", "320481", "320471"]
    towns_per_county = 15
    per_town = max(1, unions // (len(counties) * towns_per_county))
    city = Organization.objects.add_root(instance=Organization(
        name="常州市总工会", code="C", org_type="federation", level="city", region_code="320400"))
    rows: list[Organization] = []
    path_of = Organization._get_path
    for ci, region in enumerate(counties, start=1):
        county_path = path_of(city.path, 2, ci)
        rows.append(Organization(name=f"县区总工会{ci}", code=f"C{ci}", org_type="federation", level="county",
                                 region_code=region, path=county_path, depth=2, numchild=towns_per_county))
        for ti in range(1, towns_per_county + 1):
            town_path = path_of(county_path, 3, ti)
            rows.append(Organization(name=f"镇街工会{ci}-{ti}", code=f"C{ci}T{ti}", org_type="town",
                                     region_code=region, path=town_path, depth=3, numchild=per_town))
            for gi in range(1, per_town + 1):
                rows.append(Organization(name=f"基层工会{ci}-{ti}-{gi}", code=f"C{ci}T{ti}G{gi}",
                                         org_type="grassroots", region_code=region,
                                         path=path_of(town_path, 4, gi), depth=4, numchild=0))
    Organization.objects.bulk_create(rows, batch_size=2000)
    Organization.objects.filter(pk=city.pk).update(numchild=len(counties))
    employers = []
    serial = 0
    for union in Organization.objects.filter(org_type="grassroots").only("pk", "region_code").iterator():
        for _ in range(3):
            serial += 1
            body = f"91320400MA{serial:07d}"
            employers.append(Employer(name=f"单位{serial}", uscc=body + uscc_check_char(body), ownership="private",
                                      industry="C", staff_count=100, women_count=30, region_code=union.region_code,
                                      org_id=union.pk, union_id=union.pk))
    Employer.objects.bulk_create(employers, batch_size=5000)
    admin = Role.objects.get(code="union_admin")
    User.objects.create_user("bench_city", password="x", org=city, must_change_password=False).roles.add(admin)
    county = Organization.objects.get(code="C4")
    User.objects.create_user("bench_county", password="x", org=county, must_change_password=False).roles.add(admin)
    print(f"built {Organization.objects.count():,} organisations and {len(employers):,} employers "
          f"in {time.perf_counter() - started:.1f} s")


def measure(repeat: int) -> None:
    from django.db import connection
    from django.test import Client

    from gonghui.accounts.models import User
    from gonghui.orgs.models import Organization

    county = Organization.objects.get(code="C4")
    town = Organization.objects.get(code="C4T3")
    city = Organization.objects.get(code="C")
    other = Organization.objects.get(code="C1T1G1")
    pages = [
        ("county admin: 组织架构 tree", "bench_county", "/orgs/"),
        ("county admin: lazy children of a town", "bench_county", f"/orgs/{town.pk}/children/"),
        ("county admin: county detail (cumulative counts)", "bench_county", f"/orgs/{county.pk}/"),
        ("county admin: org list page 20", "bench_county", "/orgs/list/?page=20"),
        ("county admin: search by name", "bench_county", "/orgs/search/?q=基层工会4-3-1"),
        ("county admin: employers list filtered", "bench_county", "/orgs/employers/?q=单位1"),
        ("county admin: API /api/orgs page 5", "bench_county", "/api/orgs?page=5"),
        ("county admin: other county's union (404)", "bench_county", f"/orgs/{other.pk}/"),
        ("city admin: city detail (cumulative counts)", "bench_city", f"/orgs/{city.pk}/"),
        ("city admin: org list filtered grassroots", "bench_city", "/orgs/list/?org_type=grassroots&page=3"),
    ]
    print(f"database: {connection.vendor}; {repeat} requests per page after one warm-up")
    print(f"{'page':52} {'status':>6} {'p50 ms':>8} {'p95 ms':>8}")
    clients = {}
    for label, username, url in pages:
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(User.objects.get(username=username))
        status = client.get(url).status_code
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        print(f"{label:52} {status:>6} {statistics.median(timings):8.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
