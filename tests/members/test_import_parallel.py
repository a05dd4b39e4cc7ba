"""Reading and validating a roster in a forked worker process (large files) gives exactly
what the in-process path gives: same rows, outcomes, errors, warnings and stored members."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from gonghui.members.importing import import_members
from gonghui.members.models import Member, MembershipEvent
from gonghui.utilities import importing as generic
from gonghui.utilities.importing import Column, ImportPipeline
from tests.members.helpers import id_number
from tests.members.test_import import person, roster, write_xlsx  # noqa: F401 - roster is a fixture

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not generic._can_fork(), reason="the worker needs fork"),
]


def _stored():
    return sorted(
        (m.name, m.id_number_index, m.phone_index, m.join_date, m.employment_category, m.employer_name)
        for m in Member.objects.all()
    )


@pytest.fixture
def mixed(tmp_path):
    # more rows than one worker message, a repeat far from its first row, errors, a footer with rows after it
    rows = []
    for serial in range(generic.WORKER_CHUNK + 50):
        row = person(serial, f"员工{serial}")
        row[2] = id_number(serial % 900 + 1, birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=serial // 900))
        rows.append(row)
    rows[1500][2] = rows[10][2]  # the same ID number as an earlier row, in another worker message
    rows[700][2] = "32041219900517001"  # 17 digits
    rows.append(["填表人：张三", "", "", "", "", "", "", "", "", "", ""])
    rows.append(person(9000, "落款之后"))
    return write_xlsx(tmp_path / "大花名册.xlsx", rows)


@pytest.mark.parametrize("mode", ["valid-only", "all-or-nothing"])
def test_the_worker_path_imports_what_the_in_process_path_imports(world, mixed, mode):
    expected = import_members(user=world.wujin_admin, org=world.wujin_union, file=mixed, mode=mode, parallel=False)
    stored = _stored()
    events = MembershipEvent.objects.count()
    Member.objects.all().delete()  # events go with their members
    got = import_members(user=world.wujin_admin, org=world.wujin_union, file=mixed, mode=mode, parallel=True)
    assert got.as_dict() == expected.as_dict()
    assert got.warnings == expected.warnings and any("落款" in warning for warning in got.warnings)
    assert list(got.iter_rows()) == list(expected.iter_rows())
    assert _stored() == stored and MembershipEvent.objects.count() == events
    data = got.as_dict()
    if mode == "valid-only":
        assert (data["imported"], data["rejected"]) == (generic.WORKER_CHUNK + 48, 2)
    else:
        assert data["imported"] == 0 and got.aborted and not stored
    assert {error["code"] for error in data["errors"]} == {"duplicate_in_file", "id_length"}


def test_the_worker_path_reimports_idempotently(world, roster):  # noqa: F811 - the imported fixture
    first = import_members(user=world.wujin_admin, org=world.wujin_union, file=roster, parallel=True)
    assert (first.imported, first.rejected) == (5, 3)
    before = _stored()
    again = import_members(user=world.wujin_admin, org=world.wujin_union, file=roster, parallel=True)
    assert (again.imported, again.updated, again.skipped, again.rejected) == (0, 0, 5, 3)
    assert _stored() == before


def test_an_error_in_the_worker_is_raised_in_the_importing_process(tmp_path):
    def broken(value):
        raise ZeroDivisionError("a bug in a column parser")

    path = write_xlsx(tmp_path / "a.xlsx", [person(1), person(2)])
    pipeline = ImportPipeline([Column("name", "姓名", required=True, parse=broken)])
    with pipeline.open(path) as table, pytest.raises(ZeroDivisionError, match="a bug in a column parser"):
        pipeline.run(table, apply_batch=lambda rows: ["imported"] * len(rows), parallel=True)


def test_stopping_early_ends_the_worker(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [person(serial) for serial in range(1, 3 * generic.WORKER_CHUNK)])
    pipeline = ImportPipeline([Column("name", "姓名", required=True)])
    with pipeline.open(path) as table:
        rows = generic._validated_in_worker(pipeline, table, [])
        assert next(rows).values == {"name": "张三"}
        frame = rows.gi_frame
        worker = frame.f_locals["worker"]
        rows.close()  # the consumer gives up (an exception while applying a batch)
        assert not worker.is_alive() and worker.exitcode is not None


def test_the_worker_ends_when_the_importing_process_is_killed(tmp_path):
    """kill -9 of the importer: its worker must not linger (it would keep the file and memory)."""
    import multiprocessing
    import os
    import signal
    import time

    path = write_xlsx(tmp_path / "a.xlsx", [person(serial) for serial in range(1, 20 * generic.WORKER_CHUNK)])
    context = multiprocessing.get_context("fork")
    report_pid, tell_pid = context.Pipe(duplex=False)

    def importer() -> None:
        pipeline = ImportPipeline([Column("name", "姓名", required=True)])
        with pipeline.open(path) as table:
            rows = generic._validated_in_worker(pipeline, table, [])
            next(rows)
            tell_pid.send(rows.gi_frame.f_locals["worker"].pid)
            os.kill(os.getpid(), signal.SIGKILL)

    process = context.Process(target=importer)
    process.start()
    worker_pid = report_pid.recv()
    process.join(10)
    assert process.exitcode == -signal.SIGKILL
    for _ in range(100):  # the orphaned worker is reparented; it ends on its next send
        if _ended(worker_pid):
            break
        time.sleep(0.1)
    else:
        os.kill(worker_pid, signal.SIGKILL)
        pytest.fail("the validation worker outlived its killed importer")


def _ended(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(") ")[2][:1]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # a zombie has ended: only its new parent's reaping is left
