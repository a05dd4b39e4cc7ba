"""Leaders' dashboard at city scale, on PostgreSQL: ours (rolled-up figures) against a naive ORM count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/dashboard.py [--members 10000000] [--orgs 200000] [--repeat 50] \\
            [--naive-repeat 5] [--database gonghui_bench_dash] [--rebuild]

Builds (or reuses, when the counts match) its own database ``gonghui_bench_dash`` on the server of
DATABASE_URL: a city → ~10 districts → towns → grassroots unions tree of ``--orgs`` organisations and
``--members`` members with their JOIN events, written with COPY straight into the tables (fixed dummy
ciphertext; blind index and card number unique per row). Then a 2026 plan with targets for the city and
its districts on the five computed indicators, and measures:

- ``figures.refresh(2026)`` once (the SQL roll-up over the whole tree);
- ours, uncached (``TARGETS_BOARD_CACHE_SECONDS=0``, every read computes the board) and warm (the board
  from ``targets.board_cache`` after its inputs' version is read): ``progress_board(user, city, 2026, 3)``
  alone, the data path (``progress_board`` + ``quarter_trend``) and the dashboard page through Django's
  test client (middleware, templates), ``--repeat`` runs each → p50/p95 ms;
- naive peer: the same figures as ``progress_board`` (city and every district × five indicators, year to
  the end of Q3) with plain ORM ``count()`` over each subtree → p50/p95 ms, and the ratio naive ÷ ours.

Never touches the test databases. Goals (issue 4): dashboard page p95 ≤ 150 ms warm; ≥ 10× the naive peer.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR, QUARTER = 2026, 3
DISTRICTS = 10
TOWNS_PER_DISTRICT = 20
INDICATORS = (
    "members_recruited",
    "new_employment_members",
    "members_total",
    "unions_established",
    "joint_unions_established",
)
COPY_CHUNK = 20_000


# --- database ----------------------------------------------------------------------------------------------


def bench_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("dashboard benchmark: DATABASE_URL must point at a PostgreSQL server (postgres://…).")
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(url: str, name: str, rebuild: bool) -> bool:
    """Create the benchmark database if missing (drop it first with ``rebuild``); True if it is new."""
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return not exists


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    os.environ["FAST_PASSWORD_HASHING"] = "1"
    os.environ["TESTING"] = "1"
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.TARGETS_FIGURES_MAX_LAG = 3600  # measure reads, not rebuilds
    call_command("migrate", verbosity=0)


# --- build ---------------------------------------------------------------------------------------------------


def _copy_text(table: str, columns: list[str], lines) -> None:
    """COPY tab-separated text lines (already escaped) into ``table``, in chunks."""
    from django.db import connection

    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= COPY_CHUNK:
                copy.write("".join(chunk))
                chunk.clear()
        if chunk:
            copy.write("".join(chunk))


def _row_template(model, variable: dict[str, str], constants: dict[str, str]) -> tuple[list[str], str]:
    """Every concrete column of ``model`` in order, and a ``str.format`` template of one COPY line:
    ``{name}`` placeholders for ``variable`` columns, the escaped constant (``\\N`` for NULL) for the rest."""
    columns, parts = [], []
    for field in model._meta.concrete_fields:
        columns.append(field.column)
        if field.attname in variable:
            parts.append("{" + variable[field.attname] + "}")
        else:
            parts.append(constants[field.attname])
    return columns, "\t".join(parts) + "\n"


def build_orgs(total: int, now: str) -> dict:
    from gonghui.orgs.models import Organization

    path_of = Organization._get_path
    towns = DISTRICTS * TOWNS_PER_DISTRICT
    per_town = max(1, (total - 1 - DISTRICTS - towns) // towns)
    rnd = random.Random(7)
    constants = {
        "short_name": "",
        "status": "active",
        "dissolved_on": r"\N",
        "dissolve_reason": "",
        "chair_name": "",
        "term_end": r"\N",
        "contact_person": "",
        "contact_phone": "",
        "address": "",
        "is_demo": "f",
        "created_at": now,
        "updated_at": now,
    }
    variable = {
        name: name
        for name in (
            "id",
            "path",
            "depth",
            "numchild",
            "name",
            "code",
            "org_type",
            "region_code",
            "founded_on",
            "level",
        )
    }
    columns, template = _row_template(Organization, variable, constants)

    def rows():
        next_id = 1

        def line(path, depth, numchild, name, code, org_type, level, founded):
            nonlocal next_id
            text = template.format(
                id=next_id,
                path=path,
                depth=depth,
                numchild=numchild,
                name=name,
                code=code,
                org_type=org_type,
                region_code="320400",
                founded_on=founded,
                level=level,
            )
            next_id += 1
            return text

        city = path_of("", 1, 1)
        yield line(city, 1, DISTRICTS, "常州市总工会", "B", "federation", "city", r"\N")
        for d in range(1, DISTRICTS + 1):
            district = path_of(city, 2, d)
            yield line(district, 2, TOWNS_PER_DISTRICT, f"区总工会{d}", f"B{d}", "federation", "county", r"\N")
            for t in range(1, TOWNS_PER_DISTRICT + 1):
                town = path_of(district, 3, t)
                yield line(town, 3, per_town, f"镇街工会{d}-{t}", f"B{d}T{t}", "town", "", r"\N")
                for g in range(1, per_town + 1):
                    founded = datetime.date(2000, 1, 1) + datetime.timedelta(days=rnd.randrange(9800))
                    kind = "joint" if g % 25 == 0 else "grassroots"
                    yield line(
                        path_of(town, 4, g),
                        4,
                        0,
                        f"基层工会{d}-{t}-{g}",
                        f"B{d}T{t}G{g}",
                        kind,
                        "",
                        founded.isoformat(),
                    )

    _copy_text(Organization._meta.db_table, columns, rows())
    _reset_sequence(Organization)
    return {"per_town": per_town}


def build_members(total: int, now: str) -> None:
    """Members spread evenly over the grassroots unions; joined 2010 – Nov 2026; 8% new-employment riders."""
    from gonghui.members.models import Member, MembershipEvent
    from gonghui.orgs.models import Organization

    unions = list(Organization.objects.filter(depth=4).order_by("pk").values_list("pk", flat=True))
    span = (datetime.date(2026, 11, 15) - datetime.date(2010, 1, 1)).days
    dates = [(datetime.date(2010, 1, 1) + datetime.timedelta(days=n)).isoformat() for n in range(span + 1)]
    member_constants = {
        "created_by_id": r"\N",
        "created_at": now,
        "updated_at": now,
        "id_number_cipher": "bench-cipher",
        "id_number_masked": "3204**********0000",
        "phone_cipher": "",
        "phone_index": "",
        "phone_masked": "",
        "gender": "male",
        "birth_date": "1990-01-01",
        "ethnicity": "01",
        "education": "",
        "political_status": "masses",
        "is_migrant_worker": "f",
        "employer_id": r"\N",
        "employer_name": "",
        "status": "active",
        "left_on": r"\N",
        "leave_reason": "",
        "region_code": "320400",
        "is_demo": "f",
    }
    member_variable = {
        "id": "id",
        "org_id": "org",
        "name": "name",
        "id_number_index": "index",
        "member_card_number": "card",
        "join_date": "joined",
        "employment_category": "category",
        "new_employment_type": "kind",
    }
    member_columns, member_template = _row_template(Member, member_variable, member_constants)
    event_constants = {
        "created_by_id": r"\N",
        "created_at": now,
        "updated_at": now,
        "kind": "join",
        "from_org_id": r"\N",
        "to_org_id": r"\N",
        "approved_by_id": r"\N",
        "note": "",
    }
    event_variable = {"id": "id", "org_id": "org", "member_id": "id", "date": "joined"}
    event_columns, event_template = _row_template(MembershipEvent, event_variable, event_constants)

    def people():
        """The same members on every call (a fixed seed): both COPYs regenerate them instead of holding
        ten million tuples in memory."""
        rnd = random.Random(11)
        for number in range(1, total + 1):
            yield number, unions[number % len(unions)], dates[rnd.randrange(len(dates))], rnd.random() < 0.08

    def members():
        for number, org, joined, rider in people():
            yield member_template.format(
                id=number,
                org=org,
                name=f"会员{number}",
                index=f"{number:032x}",
                card=f"B{number:014d}",
                joined=joined,
                category="new_employment" if rider else "employee",
                kind="delivery_rider" if rider else "",
            )

    def events():
        for number, org, joined, _rider in people():
            yield event_template.format(id=number, org=org, joined=joined)

    _copy_text(Member._meta.db_table, member_columns, members())
    _copy_text(MembershipEvent._meta.db_table, event_columns, events())
    _reset_sequence(Member, MembershipEvent)


def _reset_sequence(*models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


def build(members: int, orgs: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now().isoformat()
    started = time.perf_counter()
    with transaction.atomic():
        layout = build_orgs(orgs, now)
    orgs_done = time.perf_counter()
    with transaction.atomic():
        # The rows are consistent by construction: skip the per-row deferred foreign-key checks, whose
        # queue alone would hold ten million entries (needs a superuser, as the benchmark server's is).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        build_members(members, now)
    members_done = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"built {_expected_orgs(orgs):,} organisations ({layout['per_town']} unions per town) "
        f"in {orgs_done - started:.1f} s, "
        f"{members:,} members + JOIN events in {members_done - orgs_done:.1f} s "
        f"(+ ANALYZE {time.perf_counter() - members_done:.1f} s)"
    )


def counts() -> tuple[int, int]:
    from gonghui.members.models import Member
    from gonghui.orgs.models import Organization

    return Organization.objects.count(), Member.objects.count()


def plan_and_users():
    """A 2026 plan: targets for the city and each district on the five computed indicators (weights 20
    each), set around each unit's actual full-year pace so the lights vary; the city's administrator."""
    from gonghui.accounts.models import Role, User
    from gonghui.orgs.models import Organization
    from gonghui.targets import figures
    from gonghui.targets.models import Indicator, Plan, Target
    from gonghui.utilities.periods import Period

    city = Organization.objects.get(depth=1)
    user = User.objects.filter(username="bench_city").first()
    if user is None:
        user = User.objects.create_user("bench_city", password="x", org=city, must_change_password=False)
        user.roles.add(Role.objects.get(code="union_admin"))
    if Plan.objects.filter(org=city, year=YEAR).exists():
        return city, user
    figures.refresh(YEAR)
    districts = list(Organization.objects.filter(depth=2).order_by("path"))
    actual = figures.values(INDICATORS, [city, *districts], Period.year_of(YEAR), year_to_date=True)
    plan = Plan.objects.create(org=city, year=YEAR, title="2026年目标任务（基准测试）", status="issued")
    rnd = random.Random(3)
    for key in INDICATORS:
        indicator = Indicator.objects.get(key=key)
        own = Target.objects.create(
            plan=plan,
            org=city,
            indicator=indicator,
            year=YEAR,
            weight=20,
            assigned_by=city,
            value=max(1, int(actual[(key, city.pk)] * Decimal("1.1"))),
        )
        for district in districts:
            Target.objects.create(
                plan=plan,
                org=district,
                indicator=indicator,
                year=YEAR,
                assigned_by=city,
                parent=own,
                value=max(1, int(actual[(key, district.pk)] * Decimal(rnd.randrange(90, 160)) / 100)),
            )
    return city, user


# --- measure -------------------------------------------------------------------------------------------------


def timed(function, repeat: int) -> list[float]:
    function()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(label: str, samples: list[float]) -> float:
    print(f"{label:<48} p50 {statistics.median(samples):9.1f} ms   p95 {p95(samples):9.1f} ms   (n={len(samples)})")
    return p95(samples)


def naive_figures(city, districts) -> dict:
    """The board's figures counted the obvious way: one ORM count per unit and indicator over the subtree."""
    from gonghui.members.models import Member, MembershipEvent
    from gonghui.orgs.models import Organization

    start = datetime.date(YEAR, 1, 1)
    end = datetime.date(YEAR, 3 * QUARTER, 30 if QUARTER in (2, 3) else 31)
    result = {}
    for unit in [city, *districts]:
        joins = MembershipEvent.objects.filter(
            org__path__startswith=unit.path, kind__in=["join", "rejoin"], date__range=(start, end)
        )
        unions = Organization.objects.filter(path__startswith=unit.path, founded_on__range=(start, end))
        result[unit.pk] = {
            "members_recruited": joins.count(),
            "new_employment_members": joins.filter(member__employment_category="new_employment").count(),
            "members_total": Member.objects.filter(org__path__startswith=unit.path, join_date__lte=end)
            .exclude(left_on__lte=end)
            .count(),
            "unions_established": unions.filter(org_type__in=["grassroots", "joint"]).count(),
            "joint_unions_established": unions.filter(org_type__in=["joint", "alliance"]).count(),
        }
    return result


def measure(city, user, repeat: int, naive_repeat: int) -> None:
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from gonghui.orgs.models import Organization
    from gonghui.targets import figures, selectors

    marker = figures.refresh(YEAR)
    print(f"figures.refresh({YEAR}): {marker.duration_ms:,} ms, {marker.rows:,} figure rows")
    board = selectors.progress_board(user, city, YEAR, QUARTER)
    districts = list(Organization.objects.filter(depth=2).order_by("path"))
    naive = naive_figures(city, districts)
    for row in [board.own, *board.units]:  # ours and the naive count must agree before we compare speed
        for key in INDICATORS:
            assert row.cells[key].actual == naive[row.unit.pk][key], (row.unit, key)
    print(f"checked: {len(board.units) + 1} units × {len(INDICATORS)} indicators agree with the naive count")

    def data_path():
        current = selectors.progress_board(user, city, YEAR, QUARTER)
        selectors.quarter_trend(user, city, YEAR, current.indicators)

    client = Client()
    client.force_login(user)
    page = f"{reverse('targets:dashboard')}?org={city.pk}&year={YEAR}&quarter={QUARTER}"
    assert client.get(page).status_code == 200
    # Computed afresh on every read (the board cache off): what the first view after a change costs.
    with override_settings(TARGETS_BOARD_CACHE_SECONDS=0):
        cold_p95 = report(
            "ours, uncached: progress_board (city, 2026 Q3)",
            timed(lambda: selectors.progress_board(user, city, YEAR, QUARTER), repeat),
        )
        report("ours, uncached: board + quarter_trend", timed(data_path, repeat))
        report("ours, uncached: dashboard page (test client)", timed(lambda: client.get(page), repeat))
    # Warm: the inputs' version is read and the board comes from the cache (targets.board_cache).
    board_p95 = report(
        "ours, warm: progress_board (city, 2026 Q3)",
        timed(lambda: selectors.progress_board(user, city, YEAR, QUARTER), repeat),
    )
    report("ours, warm: board + quarter_trend", timed(data_path, repeat))
    page_p95 = report("ours, warm: dashboard page (test client, full stack)", timed(lambda: client.get(page), repeat))
    with CaptureQueriesContext(connection) as queries:
        client.get(page)
    database_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    statements = len(queries.captured_queries)
    print(f"one warm dashboard page: {statements} SQL statements, {database_ms:.0f} ms in the database")
    naive_p95 = report(
        "naive: ORM count over each subtree", timed(lambda: naive_figures(city, districts), naive_repeat)
    )
    print(f"naive ÷ ours uncached (progress_board p95): {naive_p95 / cold_p95:.1f}×")
    print(f"naive ÷ ours warm (progress_board p95): {naive_p95 / board_p95:.1f}×")
    print(f"warm dashboard page p95 {page_p95:.1f} ms: goal ≤ 150 ms {'met' if page_p95 <= 150 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000_000)
    parser.add_argument("--orgs", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--naive-repeat", type=int, default=5)
    parser.add_argument("--database", default="gonghui_bench_dash")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the benchmark database")
    args = parser.parse_args()
    if args.orgs < 1 + DISTRICTS * (1 + TOWNS_PER_DISTRICT) + DISTRICTS * TOWNS_PER_DISTRICT:
        parser.error(f"--orgs must be at least {1 + DISTRICTS * (1 + 2 * TOWNS_PER_DISTRICT)}")

    url = bench_url(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"), args.database)
    ensure_database(url, args.database, args.rebuild)
    setup_django(url)
    found = counts()
    layout_orgs = _expected_orgs(args.orgs)
    if found != (layout_orgs, args.members):
        if found != (0, 0):
            print(f"existing database has {found[0]:,} organisations / {found[1]:,} members: rebuilding")
            ensure_database(url, args.database, rebuild=True)
            from django.db import connections

            connections.close_all()
            setup_django(url)
        build(args.members, args.orgs)
    else:
        print(f"reusing {args.database}: {found[0]:,} organisations, {found[1]:,} members (--rebuild to force)")
    started = time.perf_counter()
    city, user = plan_and_users()
    print(f"plan and targets ready in {time.perf_counter() - started:.1f} s")
    measure(city, user, args.repeat, args.naive_repeat)


def _expected_orgs(total: int) -> int:
    towns = DISTRICTS * TOWNS_PER_DISTRICT
    per_town = max(1, (total - 1 - DISTRICTS - towns) // towns)
    return 1 + DISTRICTS + towns + towns * per_town


if __name__ == "__main__":
    main()
