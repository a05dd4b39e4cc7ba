"""Where the PostgreSQL server's CPU goes when the roster importer writes members.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_bench \\
        .venv/bin/python benchmarks/import_breakdown.py [--rows 100000] [--prefill 0] [--only all,-fk:...]

Runs ``import_members`` once on a generated roster (``benchmarks/import_members.py``'s
generator) into a throw-away database made from the migrations, keeps the member rows it
wrote (``COPY … TO STDOUT``), and then replays exactly the importer's statements against
copies of that database — each copy with one index or foreign key removed — batch by
batch as the importer sends them:

- ``lookup``  the per-batch ``id_number_index = ANY(array)`` search for existing people;
- ``ids``     drawing the batch's ids from the sequence;
- ``copy``    COPY of the member rows, with every index, unique check and foreign-key
  trigger they fire (constraints IMMEDIATE, as the importer sets them);
- ``events``  the JOIN events derived by ``INSERT … SELECT``;
- ``commit``  the commit of each batch.

Each figure is the CPU time (user + system) of the one server backend running the
statements, read from /proc, so other work on the machine (another database's benchmark,
the shared WAL writer) does not count; the wall time is printed too. The difference
between the full schema and a copy without an index or constraint is what that index or
constraint costs. ``--prefill N`` first fills the table with N synthetic rows (random
blind indexes, as real ones are), to see the cost of inserting into an already large
table. Nothing here changes the schema of any database but the scratch copies, which are
dropped at the end.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")

MEMBER = "members_member"
EVENT = "members_membershipevent"
STEPS = ("lookup", "ids", "copy", "events", "commit")
TICK = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(") ")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def connect(name: str):
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=name,
        user=db["USER"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )


def schema_parts(cur) -> list[tuple[str, str, str]]:
    """(label, table, DDL to remove it) for every secondary index and foreign key of the two tables."""
    parts = []
    for table in (MEMBER, EVENT):
        cur.execute(
            "SELECT i.relname, c.conname, x.indisprimary FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass ORDER BY i.relname",
            [table],
        )
        for index, constraint, primary in cur.fetchall():
            if primary:
                continue
            ddl = f"ALTER TABLE {table} DROP CONSTRAINT {constraint}" if constraint else f"DROP INDEX {index}"
            parts.append((f"-index {index}", table, ddl))
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        for constraint, definition in cur.fetchall():
            column = definition.split("(", 1)[1].split(")", 1)[0]
            parts.append(
                (
                    f"-fk {table.removeprefix('members_')}.{column}",
                    table,
                    f"ALTER TABLE {table} DROP CONSTRAINT {constraint}",
                )
            )
    return parts


def prefill(cur, count: int, org_id: int, user_id: int) -> None:
    """``count`` synthetic active members (+ JOIN events) with random keys, ids above the real ones."""
    cur.execute(
        f"""
        INSERT INTO {MEMBER} (id, org_id, created_by_id, created_at, updated_at, status, left_on, leave_reason,
            region_code, is_demo, member_card_number, name, id_number_cipher, id_number_index, id_number_masked,
            phone_cipher, phone_index, phone_masked, gender, birth_date, ethnicity, education, political_status,
            employment_category, new_employment_type, is_migrant_worker, employer_id, employer_name, join_date)
        SELECT 100000000 + g, %s, %s, now(), now(), 'active', NULL, '', '320412', false,
            'Z' || lpad(g::text, 14, '0'), '张' || substr(md5('n' || g), 1, 2),
            repeat('x', 60), substr(md5('i' || g), 1, 32), '3204**********0000',
            repeat('y', 56), substr(md5('p' || g), 1, 32), '138****0000', 'male', date '1980-01-01', '01', '',
            'masses', 'employee', '', false, NULL, '常州市武进区某公司', date '2010-01-01'
        FROM generate_series(1, %s) g
        """,
        [org_id, user_id, count],
    )
    cur.execute(
        f"INSERT INTO {EVENT} (org_id, created_by_id, created_at, updated_at, member_id, kind, date, to_org_id, note) "
        f"SELECT org_id, created_by_id, created_at, updated_at, id, 'join', join_date, org_id, '' FROM {MEMBER} "
        "WHERE id > 100000000"
    )
    cur.execute(f"VACUUM ANALYZE {MEMBER}")
    cur.execute(f"VACUUM ANALYZE {EVENT}")


def replay(name: str, batches: list[tuple[bytes, list[int], list[str]]]) -> dict[str, float]:
    """The importer's statements for every batch on database ``name``: CPU and wall per step."""
    from gonghui.members.importing import _ANY_INDEX, _EVENTS_FROM_MEMBERS

    cpu = dict.fromkeys(STEPS, 0.0)
    wall = 0.0
    with connect(name) as conn:
        cur = conn.cursor()
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
        lookup = f"SELECT id, org_id, status FROM {MEMBER} WHERE {_ANY_INDEX}"
        started = time.perf_counter()
        for payload, ids, indexes in batches:
            mark = backend_cpu(pid)

            def step(label: str) -> None:
                nonlocal mark
                now = backend_cpu(pid)
                cpu[label] += now - mark
                mark = now

            cur.execute("BEGIN")
            cur.execute(lookup, [",".join(indexes)])
            cur.fetchall()
            step("lookup")
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [MEMBER, len(ids)]
            )
            cur.fetchall()
            step("ids")
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            with cur.copy(_MEMBER_COPY_ALL) as copy:
                copy.write(payload)
            step("copy")
            cur.execute(_EVENTS_FROM_MEMBERS, ["join", "花名册导入", ids])
            step("events")
            cur.execute("COMMIT")
            step("commit")
        wall = time.perf_counter() - started
    return {**cpu, "total": sum(cpu.values()), "wall": wall}


_MEMBER_COPY_ALL = f"COPY {MEMBER} FROM STDIN"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--prefill", type=int, default=0, help="synthetic rows already in the table")
    parser.add_argument("--dir", default="/tmp/bench_import")
    parser.add_argument("--only", default="", help="comma-separated scenario labels (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per scenario (the lowest CPU is kept)")
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="LABEL=SQL",
        help="one more scenario: SQL run on the scratch copy first (e.g. a changed column); repeatable",
    )
    args = parser.parse_args()

    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (scratch databases are named after it).")
    import django

    django.setup()
    from django.db import connection

    from gonghui.members.importing import BATCH_SIZE, import_members

    workdir = Path(args.dir)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"roster_{args.rows}.xlsx"
    import import_members as bench  # benchmarks/import_members.py: its roster, union and user

    if not path.exists():
        bench.write_xlsx(path, args.rows)
    template = connection.creation.create_test_db(verbosity=0, autoclobber=True) + "_breakdown"
    scratch: list[str] = []
    try:
        org, user = bench._union()
        started = time.perf_counter()
        report = import_members(user=user, org=org, file=str(path), keep_rows=None)
        print(f"import_members: {report.imported:,} rows imported in {time.perf_counter() - started:.1f} s (wall)")
        with connection.cursor() as cursor:
            raw = cursor.cursor
            buffer = io.BytesIO()
            with raw.copy(f"COPY (SELECT * FROM {MEMBER} ORDER BY id) TO STDOUT") as copy:
                for data in copy:
                    buffer.write(data)
            cursor.execute(f"SELECT id, id_number_index FROM {MEMBER} ORDER BY id")
            keys = cursor.fetchall()
            cursor.execute(f"TRUNCATE {EVENT}, {MEMBER} CASCADE")
        lines = buffer.getvalue().splitlines(keepends=True)
        batches = [
            (
                b"".join(lines[i : i + BATCH_SIZE]),
                [k[0] for k in keys[i : i + BATCH_SIZE]],
                [k[1] for k in keys[i : i + BATCH_SIZE]],
            )
            for i in range(0, len(lines), BATCH_SIZE)
        ]
        source = connection.settings_dict["NAME"]
        connection.close()
        with connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{template}"')
            admin.execute(f'CREATE DATABASE "{template}" TEMPLATE "{source}"')
            scratch.append(template)
        with connect(template) as conn:
            cur = conn.cursor()
            if args.prefill:
                prefill(cur, args.prefill, org.pk, user.pk)
            parts = schema_parts(cur)
        scenarios = [("all", [])] + [(label, [ddl]) for label, _table, ddl in parts]
        scenarios.append(("-all foreign keys", [ddl for label, _t, ddl in parts if label.startswith("-fk")]))
        scenarios.append(("-all secondary indexes", [ddl for label, _t, ddl in parts if label.startswith("-index")]))
        scenarios.append(("bare (primary keys only)", [ddl for _label, _t, ddl in parts]))
        for extra in args.extra:
            label, _, sql = extra.partition("=")
            scenarios.append((label, [sql]))
        if args.only:
            wanted = {label.strip() for label in args.only.split(",")}
            extras = {extra.partition("=")[0] for extra in args.extra}
            scenarios = [s for s in scenarios if s[0] in wanted | extras or s[0] == "all"]

        print(
            f"\nServer CPU (one backend, /proc) per {len(lines):,} member rows in {len(batches)} batches "
            f"of {BATCH_SIZE}; "
            f"table prefilled with {args.prefill:,} rows\n"
        )
        header = f"{'scenario':44} " + " ".join(f"{s:>7}" for s in STEPS) + f" {'total':>7} {'Δ all':>7} {'wall':>6}"
        print(header)
        print("-" * len(header))
        baseline = None
        for label, ddls in scenarios:
            best = None
            for _ in range(args.repeat):
                name = f"{template}_s"
                with connect("postgres") as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                scratch.append(name)
                with connect(name) as conn:
                    for ddl in ddls:
                        conn.execute(ddl)
                result = replay(name, batches)
                with connect("postgres") as admin:
                    admin.execute(f'DROP DATABASE "{name}"')
                scratch.remove(name)
                if best is None or result["total"] < best["total"]:
                    best = result
            if baseline is None:
                baseline = best["total"]
            delta = best["total"] - baseline
            print(
                f"{label[:44]:44} "
                + " ".join(f"{best[s]:7.2f}" for s in STEPS)
                + f" {best['total']:7.2f} {delta:+7.2f} {best['wall']:6.1f}",
                flush=True,
            )
        print("\nΔ all: CPU seconds saved (negative) by removing that part; seconds of server CPU per run.")
    finally:
        with connect("postgres") as admin:
            for name in scratch:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.close()
        connection.creation.destroy_test_db(template.removesuffix("_breakdown"), verbosity=0)


if __name__ == "__main__":
    main()
