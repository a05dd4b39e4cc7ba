"""Member roster import at scale, on PostgreSQL: ours end to end, the floor, and a peer.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench \\
        .venv/bin/python benchmarks/import_members.py [--rows 1000000] [--peer-rows 100000] [--dir /tmp/bench] \\
            [--shared-strings] [--skip-peer] [--keep-db]

(the peer needs ``pip install django-import-export``, which is not a dependency of the project)

Generates a realistic roster (title rows, synonym headers, Chinese names, valid unique ID
numbers, phones, dates in several forms, new-employment types in the category column) as
.xlsx with xlsxwriter in constant-memory mode, then — each measurement in a fresh child
process so its peak RSS (``ru_maxrss``) is its own — on a throw-away test database created
from the migrations:

- ours: ``import_members`` (parse, normalise, validate, dedupe in file, look up existing
  people, encrypt ID + phone, blind-index, card numbers, COPY members + JOIN events);
- floor: parse the same file with calamine and COPY the raw cells into an unlogged table
  of text columns (no validation, no encryption, no constraints);
- peer: django-import-export 4 (``pip install django-import-export``; skipped with a note if
  absent) importing the first ``--peer-rows`` rows into the same Member table through a
  ModelResource. It cannot encrypt or blind-index: it is given plain columns and stores the
  ID number in clear in the index column — less work than ours, not more.

Figures are printed: wall time, rows/s, peak RSS per phase (ours: the importer plus its
validation worker, a forked child that parses and validates while the importer seals and
writes), the CPU split (ours: importer, worker, and this database's server backends — only
processes titled ``postgres: … <database> …``, sampled from /proc; the floor: Python and
its backend), ours ÷ peer in rows/s, and whether each goal of the issue is met (≤ 40 s per
1,000,000 rows, ≤ 500 MB peak summed over processes, ≥ 20× the peer). On a shared machine
wall times follow the load (printed beside them); the CPU seconds are the steadier yardstick.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")

HEADER = [
    "序号",
    "姓名",
    "公民身份号码",
    "联系电话",
    "民族",
    "文化程度",
    "政治面貌",
    "职工类别",
    "工作单位",
    "入会时间",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华红玉萍建国志文斌宇浩凯鹏飞俊晨欣怡婷雪梅琳"
AREAS = ("320412", "320402", "320404", "320411", "320413", "320481", "320923", "341221", "412723", "510623")
EDUCATION = ("初中", "高中", "中专", "大专", "本科", "硕士研究生")
POLITICAL = ("群众", "中共党员", "共青团员")
CATEGORIES = ("职工", "职工", "职工", "农民工", "快递员", "外卖配送员", "网约车司机", "货车司机")
TOWNS = ("湖塘", "牛塘", "鸣凰", "南夏墅", "礼嘉", "洛阳", "雪堰")
KINDS = ("机械有限公司", "精密制造有限公司", "物流有限公司", "纺织有限公司", "电子科技有限公司", "建材公司")


def roster_rows(count: int, seed: int = 1):
    from gonghui.utilities.idnumber import make_id_number

    rnd = random.Random(seed)
    employers = [f"常州市武进区{rnd.choice(TOWNS)}{n}号{rnd.choice(KINDS)}" for n in range(800)]
    for number in range(1, count + 1):
        # (birth date, serial) is unique below 14 million rows; born 1960–1999, joined at 18+.
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=(number // 1000 * 37) % 14600)
        serial = number % 1000
        earliest = datetime.date(birth.year + 18, 12, 31)
        joined = earliest + datetime.timedelta(
            days=rnd.randrange(max(1, (datetime.date(2025, 12, 31) - earliest).days))
        )
        yield [
            number,
            rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.7 else ""),
            make_id_number(rnd.choice(AREAS), birth, serial),
            f"1{rnd.choice('3578')}{rnd.randrange(10**9):09d}" if rnd.random() < 0.95 else "",
            "汉族" if rnd.random() < 0.95 else rnd.choice(("回族", "满族", "壮族")),
            rnd.choice(EDUCATION),
            rnd.choice(POLITICAL),
            rnd.choice(CATEGORIES),
            rnd.choice(employers),
            joined,
        ]


def write_xlsx(path: Path, count: int, *, shared_strings: bool = False) -> None:
    """Inline strings (constant memory) by default; with ``shared_strings`` a sharedStrings.xml
    table as Excel and WPS save it (xlsxwriter then holds the whole sheet while writing)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": not shared_strings})
    sheet = workbook.add_worksheet("会员花名册")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_string(0, 0, "常州市武进区XX公司工会会员花名册")
    sheet.write_string(1, 0, "填报单位：武进区总工会    填报日期：2026年5月1日")
    for col, label in enumerate(HEADER):
        sheet.write_string(2, col, label)
    for index, row in enumerate(roster_rows(count), 3):
        sheet.write_number(index, 0, row[0])
        for col in range(1, 9):
            if row[col]:
                sheet.write_string(index, col, row[col])
        if index % 10:
            sheet.write_datetime(index, 9, row[9], date_format)
        else:
            sheet.write_string(index, 9, f"{row[9].year}.{row[9].month}.{row[9].day}")
    workbook.close()


GOAL_SECONDS_PER_MILLION = 40.0
GOAL_PEAK_MB = 500
GOAL_PEER_RATIO = 20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- child processes ------------------------------------------------------------------------------


def _django(db_name: str):
    import django

    django.setup()
    from django.db import connection

    connection.settings_dict["NAME"] = db_name
    connection.close()
    return connection


def _union():
    from gonghui.accounts.models import User
    from gonghui.orgs.models import Organization, OrgType

    org = Organization.objects.filter(code="BENCH001").first()
    if org is None:
        org = Organization(name="基准测试工会", org_type=OrgType.GRASSROOTS, region_code="320412", code="BENCH001")
        org = Organization.objects.add_root(instance=org)
    user = User.objects.filter(username="bench").first()
    if user is None:
        user = User.objects.create_superuser(username="bench", password="x-bench-x-1234", org=org)
    return org, user


def child_ours(db_name: str, path: str, profile: bool = False) -> dict:
    _django(db_name)
    from django.db import connection

    from gonghui.members.importing import import_members
    from gonghui.members.models import Member

    org, user = _union()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE members_membershipevent, members_member RESTART IDENTITY CASCADE")
    server_cpu = _postgres_cpu()
    backends = _BackendCpu(connection.settings_dict["NAME"])
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the importer's worker process, once it has ended
    started, cpu = time.perf_counter(), time.process_time()
    if profile:  # Python's side only: where the importer's own CPU goes (slower than a real run)
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        report = profiler.runcall(import_members, user=user, org=org, file=path, keep_rows="problems")
        stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime")
        stats.print_stats(30)
    else:
        report = import_members(user=user, org=org, file=path, keep_rows="problems")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    backend_cpu = backends.stop()
    if server_cpu is not None:
        server_cpu = _postgres_cpu() - server_cpu
    result = {key: value for key, value in report.as_dict().items() if key != "errors"}
    result.update(
        seconds=seconds,
        cpu=cpu,
        worker_cpu=worker_cpu,
        server_cpu=server_cpu,
        backend_cpu=backend_cpu,
        peak_mb=peak_mb(),
        worker_peak_mb=after.ru_maxrss / 1024 if worker_cpu else 0.0,
        stored=Member.objects.count(),
        first_errors=report.errors[:3],
    )
    return result


class _BackendCpu:
    """CPU seconds of this database's own server backends (the import's connection and its
    writer thread's), sampled from /proc every 0.1 s while the import runs: unlike
    ``_postgres_cpu`` it leaves out other databases' work on a shared machine (and the shared
    WAL writer, checkpointer and background writer). A backend that exits between two
    samples loses at most its last 0.1 s."""

    def __init__(self, db_name: str) -> None:
        import threading

        self.tag = f" {db_name} ".encode()
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.background: set[int] = set()  # autovacuum workers on this database
        self.sample(initial=True)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def sample(self, initial: bool = False) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ") + b" "
                # a server backend's title is "postgres: <user> <database> <client> <activity>";
                # only those count (this benchmark's own command line names the database too)
                if not command.startswith(b"postgres: ") or self.tag not in command:
                    continue
                fields = (entry / "stat").read_text().rpartition(") ")[2].split()
            except OSError:
                continue
            pid, seconds = int(entry.name), (int(fields[11]) + int(fields[12])) / tick
            self.first.setdefault(pid, seconds if initial else 0.0)
            self.last[pid] = seconds
            if b"autovacuum" in command:
                self.background.add(pid)

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.sample()

    def stop(self) -> tuple[float, float]:
        """(the import's own connections, autovacuum workers on the database)."""
        self.done.set()
        self.thread.join()
        self.sample()
        used = {pid: self.last[pid] - self.first[pid] for pid in self.last}
        background = sum(used[pid] for pid in self.background)
        return sum(used.values()) - background, background


def _postgres_cpu() -> float | None:
    """CPU seconds of the local PostgreSQL server: every live postgres process (user + system)
    plus what the postmaster has collected from backends that have exited (the import's writer
    thread closes its connection at the end). None when the server is not a local process."""
    total, found = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, _, rest = text.partition(" (")[2].partition(") ")
        if not name.startswith("postgres"):
            continue
        fields = rest.split()
        found = True
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if fields[1] == "1" or Path(f"/proc/{fields[1]}/comm").read_text().strip() != "postgres":
            total += int(fields[13]) + int(fields[14])  # the postmaster: its exited children
    return total / os.sysconf("SC_CLK_TCK") if found else None


def child_floor(db_name: str, path: str) -> dict:
    _django(db_name)
    from django.db import connection

    from gonghui.utilities.spreadsheets import Spreadsheet

    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS bench_floor; CREATE UNLOGGED TABLE bench_floor ({columns})")
    backends = _BackendCpu(connection.settings_dict["NAME"])
    started, cpu = time.perf_counter(), time.process_time()
    book = Spreadsheet.open(path)
    rows = 0
    with connection.cursor() as cursor, cursor.cursor.copy("COPY bench_floor FROM STDIN") as copy:
        for number, values in book.sheet(0).rows():
            if number <= 3:
                continue
            copy.write_row([str(value) for value in values[: len(HEADER)]])
            rows += 1
    book.close()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"rows": rows, "seconds": seconds, "cpu": cpu, "backend_cpu": backends.stop()[0], "peak_mb": peak_mb()}


def child_peer(db_name: str, path: str, count: int) -> dict:
    try:
        import import_export  # noqa: F401
    except ImportError:
        return {"skipped": "django-import-export is not installed (pip install django-import-export)"}
    _django(db_name)
    import tablib
    from django.db import connection
    from import_export import fields, resources
    from python_calamine import CalamineWorkbook

    from gonghui.members.models import Member

    org, user = _union()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE members_membershipevent, members_member RESTART IDENTITY CASCADE")
    labels = {"职工": "employee", "农民工": "migrant"}

    class MemberResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        id_number_index = fields.Field(attribute="id_number_index", column_name="公民身份号码")
        phone_index = fields.Field(attribute="phone_index", column_name="联系电话")
        employer_name = fields.Field(attribute="employer_name", column_name="工作单位")
        join_date = fields.Field(attribute="join_date", column_name="入会时间")

        class Meta:
            model = Member
            fields = ("name", "id_number_index", "phone_index", "employer_name", "join_date")
            import_id_fields = ()
            use_bulk = True
            batch_size = 2000
            skip_diff = True

        def before_import_row(self, row, **kwargs):
            number = str(row["公民身份号码"])
            row["入会时间"] = _peer_date(row["入会时间"])
            row["_birth"] = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            row["_category"] = row["职工类别"]

        def before_save_instance(self, instance, row, **kwargs):
            pass

        def import_instance(self, instance, row, **kwargs):
            super().import_instance(instance, row, **kwargs)
            number = str(row["公民身份号码"])
            instance.org_id = org.pk
            instance.created_by_id = user.pk
            instance.gender = "male" if int(number[16]) % 2 else "female"
            instance.birth_date = row["_birth"]
            instance.id_number_masked = number[:3] + "*" * 11 + number[-4:]
            instance.employment_category = labels.get(row["_category"], "employee")
            instance.region_code = "320412"
            instance.member_card_number = f"P{instance.id_number_index[-14:]}"

    started = time.perf_counter()
    sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    header, data = sheet[2], sheet[3 : 3 + count]
    dataset = tablib.Dataset(*[tuple(row) for row in data], headers=[str(h) for h in header])
    result = MemberResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    return {
        "rows": len(data),
        "seconds": seconds,
        "peak_mb": peak_mb(),
        "errors": result.has_errors(),
        "stored": Member.objects.count(),
    }


def _peer_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    year, month, day = (int(part) for part in str(value).split("."))
    return datetime.date(year, month, day)


# --- orchestration --------------------------------------------------------------------------------


def run_child(*args: str, show_stderr: bool = False) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True, cwd=ROOT
    )
    if show_stderr:
        print(output.stderr)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--peer-rows", type=int, default=100_000)
    parser.add_argument("--dir", default="/tmp/bench_import")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument(
        "--shared-strings", action="store_true", help="write the roster with a shared-strings table, as Excel does"
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help="only ours, under cProfile: the top 30 functions by own time"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind, db_name, path, *rest = args.child
        if kind == "ours":
            result = child_ours(db_name, path, profile=rest == ["profile"])
        elif kind == "floor":
            result = child_floor(db_name, path)
        elif kind == "generate":
            write_xlsx(Path(path), int(rest[0]), shared_strings=rest[1] == "shared")
            result = {}
        else:
            result = child_peer(db_name, path, int(rest[0]))
        print(json.dumps(result, ensure_ascii=False, default=str))
        return

    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the benchmark creates and drops test_<name>).")
    import django

    django.setup()
    from django.db import connection

    workdir = Path(args.dir)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"roster_{args.rows}{'_shared' if args.shared_strings else ''}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        # in a child: this process forks the measured ones, which would inherit its peak RSS
        run_child("generate", "-", str(path), str(args.rows), "shared" if args.shared_strings else "inline")
        print(f"generated {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep_db)
    try:
        print(f"PostgreSQL test database {db_name}; {os.cpu_count()} cores")
        if args.profile:
            ours = run_child("ours", db_name, str(path), "profile", show_stderr=True)
            print(f"ours under cProfile: {ours['seconds']:.1f} s wall, Python CPU {ours['cpu']:.1f} s")
            return
        floor = run_child("floor", db_name, str(path))
        print(
            f"floor  (parse + COPY raw text)   {floor['rows']:>9,} rows  {floor['seconds']:7.1f} s  "
            f"{floor['rows'] / floor['seconds']:>9,.0f} rows/s  peak {floor['peak_mb']:.0f} MB  "
            f"CPU: Python {floor['cpu']:.1f} s + backend {floor['backend_cpu']:.1f} s"
        )
        ours = run_child("ours", db_name, str(path))
        peak = ours["peak_mb"] + ours["worker_peak_mb"]
        rate = ours["total_rows"] / ours["seconds"]
        print(
            f"ours   (import_members)          {ours['total_rows']:>9,} rows  {ours['seconds']:7.1f} s  "
            f"{rate:>9,.0f} rows/s  peak {peak:.0f} MB (importer {ours['peak_mb']:.0f} + "
            f"validation worker {ours['worker_peak_mb']:.0f})  "
            f"imported {ours['imported']:,} rejected {ours['rejected']:,} stored {ours['stored']:,}"
        )
        server = f"{ours['server_cpu']:.1f} s" if ours["server_cpu"] is not None else "n/a (server not local)"
        python_cpu = ours["cpu"] + ours["worker_cpu"]
        database_cpu = ours["backend_cpu"][0]
        print(
            f"       CPU: Python {python_cpu:.1f} s (importer {ours['cpu']:.1f} + validation worker "
            f"{ours['worker_cpu']:.1f}), this database's backends {database_cpu:.1f} s "
            f"(+ its autovacuum {ours['backend_cpu'][1]:.1f} s); together {python_cpu + database_cpu:.1f} s "
            f"= {(python_cpu + database_cpu) / ours['seconds']:.2f} cores busy on average"
        )
        print(f"       all PostgreSQL processes {server} (includes other databases' work on a shared machine)")
        print(f"       load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if ours["first_errors"]:
            print("       first errors:", ours["first_errors"])
        goals = [
            (
                f"time ≤ {GOAL_SECONDS_PER_MILLION:.0f} s per 1,000,000 rows",
                rate >= 1e6 / GOAL_SECONDS_PER_MILLION,
                f"{1e6 / rate:.1f} s per 1,000,000 at this rate",
            ),
            (f"peak memory ≤ {GOAL_PEAK_MB} MB (all processes)", peak <= GOAL_PEAK_MB, f"{peak:.0f} MB"),
        ]
        if not args.skip_peer:
            peer = run_child("peer", db_name, str(path), str(min(args.peer_rows, args.rows)))
            if "skipped" in peer:
                print("peer   skipped:", peer["skipped"])
            else:
                peer_rate = peer["rows"] / peer["seconds"]
                print(
                    f"peer   (django-import-export)    {peer['rows']:>9,} rows  {peer['seconds']:7.1f} s  "
                    f"{peer_rate:>9,.0f} rows/s  peak {peer['peak_mb']:.0f} MB  stored {peer['stored']:,}"
                )
                ratio = rate / peer_rate
                print(f"ours ÷ peer (rows/s): {ratio:.1f}×")
                goals.append((f"≥ {GOAL_PEER_RATIO}× the peer's rows/s", ratio >= GOAL_PEER_RATIO, f"{ratio:.1f}×"))
        print("goals" + ("" if args.rows == 1_000_000 else f" (measured on {args.rows:,} rows, not 1,000,000)") + ":")
        for label, met, figure in goals:
            print(f"  {label:45} {'met' if met else 'NOT met':8} ({figure})")
    finally:
        if not args.keep_db:
            connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
