"""Bulletins (通报): the figures and words, the command, the pages and the Word template upload."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document

from gonghui.core.context import actor
from gonghui.jobs.models import Job
from gonghui.reports.bulletin import default_template_path
from gonghui.targets import bulletins
from gonghui.targets import services_reports as reports
from gonghui.targets.models import Bulletin, Indicator, Plan, Target, Task, TaskState
from tests.members.helpers import add_member

D = datetime.date
TASK_TITLE = "推进新就业形态劳动者入会集中行动"


def _target(plan, org, key, value, weight=0):
    return Target.objects.create(
        plan=plan,
        org=org,
        indicator=Indicator.objects.get(key=key),
        year=2026,
        value=Decimal(value),
        weight=Decimal(weight),
        assigned_by=plan.org,
        created_by=plan.created_by,
    )


def build_scenario(world) -> None:
    """City targets 4 recruits / 10 stations (weights 60/40); 武进 2 / 4, 天宁 4 / 4.

    Recruits: one in each district, so the city is at 50.0%, 武进 50%, 天宁 25%. Stations: 武进 submits
    4 in its Q3 report (100%). Scores: 武进 60 × 0.5 + 40 × 1 = 70, 天宁 60 × 0.25 = 15. One task led by
    天宁 is a month overdue at the end of Q3; a closed one in 武进 is not.
    """
    plan = Plan.objects.create(org=world.city, year=2026, title="市总2026年计划", created_by=world.city_admin)
    _target(plan, world.city, "members_recruited", 4, weight=60)
    _target(plan, world.city, "union_social_workers", 10, weight=40)
    _target(plan, world.wujin, "members_recruited", 2)
    _target(plan, world.wujin, "union_social_workers", 4)
    _target(plan, world.tianning, "members_recruited", 4)
    _target(plan, world.tianning, "union_social_workers", 4)
    add_member(world, world.wujin_union, name="武进新会员", serial=1, join_date=D(2026, 3, 1))
    add_member(world, world.tianning_union, name="天宁新会员", serial=2, join_date=D(2026, 5, 1))
    with actor(world.wujin_admin):
        report = reports.report_open(user=world.wujin_admin, org=world.wujin, year=2026, quarter=3)
        reports.report_submit(
            user=world.wujin_admin,
            report=report,
            data={"values": {"union_social_workers": "4"}, "highlights": "驿站建设全部完成。"},
        )
    common = {"source": "assigned", "assigned_by": world.city, "created_by": world.city_admin}
    Task.objects.create(
        org=world.tianning, title=TASK_TITLE, deadline=D(2026, 8, 31), state=TaskState.IN_PROGRESS, **common
    )
    Task.objects.create(
        org=world.wujin,
        title="已销号的事项",
        deadline=D(2026, 6, 30),
        state=TaskState.CLOSED,
        completion_report="已完成。",
        **common,
    )


@pytest.fixture
def scenario(world, settings, tmp_path):
    settings.TARGETS_FIGURES_MAX_LAG = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    build_scenario(world)
    return world


def docx_text(source) -> str:
    document = Document(source)
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def ranking_units(source) -> list[str]:
    document = Document(source)
    for table in document.tables:
        header = [cell.text for cell in table.rows[0].cells]
        if "得分" in "".join(header) or "综合得分" in header:
            return [row.cells[1].text for row in table.rows[1:]]
    raise AssertionError("no ranking table")


# --- figures and words ------------------------------------------------------------------------------------


def test_bulletin_data_takes_its_figures_from_the_board(scenario):
    world = scenario
    data = bulletins.bulletin_data(world.city_admin, world.city, 2026, 3, doc_number="常总工〔2026〕12号")
    assert data.org_name == "常州市总工会" and data.doc_number == "常总工〔2026〕12号"
    recruit = next(line for line in data.indicators if line.name == "发展会员")
    assert (recruit.target, recruit.actual, recruit.completion) == (Decimal(4), Decimal(2), Decimal("0.5"))
    assert [(line.rank, line.unit, line.score) for line in data.ranking] == [
        (1, "武进区总工会", Decimal(70)),
        (2, "天宁区总工会", Decimal(15)),
    ]
    assert [(line.unit, line.light) for line in data.behind if line.indicator == "发展会员"] == [
        ("天宁区总工会", "red"),
        ("武进区总工会", "red"),
    ]
    assert [(task.title, task.lead_unit, task.days_overdue) for task in data.overdue_tasks] == [
        (TASK_TITLE, "天宁区总工会", 30)
    ]
    assert data.trend["发展会员"][3] is None  # a Q3 bulletin shows no Q4
    assert "50.0%" in data.summary and "武进区总工会综合得分最高（70.00分）" in data.summary
    assert "1项督办事项超过完成时限" in data.summary
    assert len(data.requirements) == 4
    assert "天宁区总工会" in data.requirements[0] and "天宁区总工会" in data.requirements[1]


def test_summary_names_only_the_lights_that_occur(scenario):
    data = bulletins.bulletin_data(scenario.city_admin, scenario.city, 2026, 3)
    assert "2项目标任务中，1项明显滞后（红灯），1项暂无完成数据。滞后的指标是：发展会员（完成50.0%）。" in data.summary
    assert "0项" not in data.summary
    assert "天宁区总工会、武进区总工会共有2项指标进度滞后，其中红灯2项。" in data.summary


def test_a_unit_without_targets_gets_a_bulletin_that_says_so(scenario):
    data = bulletins.bulletin_data(scenario.chair, scenario.wujin_union, 2026, 3)
    assert data.indicators == [] and data.ranking == [] and data.trend == {}
    assert "尚未下达目标任务" in data.summary
    assert data.requirements[0].startswith("各单位要保持良好势头")


def test_long_lists_of_names_are_cut():
    names = [f"单位{n}" for n in range(7)]
    assert bulletins._names(names) == "单位0、单位1、单位2、单位3、单位4等7个单位"
    assert bulletins._names(names[:2], "项") == "单位0、单位1"


def test_requirements_given_replace_the_default_ones(scenario):
    data = bulletins.bulletin_data(
        scenario.city_admin, scenario.city, 2026, 3, requirements=["  第一条。", "", "第二条。"]
    )
    assert data.requirements == ["第一条。", "第二条。"]


def test_bulletin_data_reads_only_the_users_scope(scenario):
    world = scenario
    data = bulletins.bulletin_data(world.wujin_admin, world.wujin, 2026, 3)
    assert data.ranking == [] and data.overdue_tasks == []  # 天宁's task is not in 武进's subtree
    assert TASK_TITLE not in data.summary


@pytest.mark.parametrize(("year", "quarter", "message"), [(2026, 5, "季度只能是"), ("x", 1, "须为数字")])
def test_a_bad_period_is_a_clear_error(scenario, year, quarter, message):
    with pytest.raises(ValidationError) as caught:
        bulletins.bulletin_data(scenario.city_admin, scenario.city, year, quarter)
    assert message in str(caught.value)


def test_too_many_requirements_are_refused():
    with pytest.raises(ValidationError, match="最多 8 条"):
        bulletins.clean_requirements("\n".join(f"第{n}条" for n in range(9)))


# --- the command ------------------------------------------------------------------------------------------


def test_command_writes_word_and_pdf(scenario, tmp_path):
    out, pdf = tmp_path / "通报.docx", tmp_path / "通报.pdf"
    call_command(
        "bulletin", "--org", "T3204", "--year", "2026", "--quarter", "3", "--out", str(out), "--pdf", str(pdf),
        "--doc-number", "常总工〔2026〕12号", "--user", "city_admin", stdout=StringIO(),
    )  # fmt: skip
    text = docx_text(str(out))
    assert "常州市总工会" in text and "常总工〔2026〕12号" in text and "50.0%" in text and TASK_TITLE in text
    assert ranking_units(str(out)) == ["武进区总工会", "天宁区总工会"]
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "NOPE"], "没有组织代码为 NOPE"),
        (["--org", "T3204", "--quarter", "5"], "季度只能是"),
        (["--org", "T3204", "--user", "ghost"], "没有名为 ghost"),
        (["--org", "T3204", "--user", "wujin_admin"], "数据权限不包括"),
        (["--org", "T3204", "--out", "/nonexistent-dir/通报.docx"], "不存在"),
        (["--org", "T3204", "--user", "city_admin", "--pdf", "/proc/通报.pdf"], "写入 /proc/通报.pdf 失败"),
        (["--org", "T3204", "--user", "city_admin", "--template", "/nonexistent.docx"], "找不到 Word 模板"),
    ],
)
def test_command_fails_clearly(scenario, tmp_path, args, message):
    defaults = {"--year": "2026", "--quarter": "3", "--out": str(tmp_path / "b.docx")}
    options = dict(zip(args[::2], args[1::2], strict=True))
    argv = [part for key, value in {**defaults, **options}.items() for part in (key, value)]
    with pytest.raises(CommandError, match=message):
        call_command("bulletin", *argv)
    assert not (tmp_path / "b.docx").exists()


def test_command_runs_as_a_superuser_by_default(scenario, tmp_path):
    from gonghui.accounts.models import User

    User.objects.create_superuser(username="root", password="Root@pass2026", org=scenario.city)
    out = tmp_path / "b.docx"
    call_command("bulletin", "--org", "T320402", "--year", "2026", "--quarter", "3", "--out", str(out))
    assert "天宁区总工会" in docx_text(str(out)) and TASK_TITLE in docx_text(str(out))


# --- pages ------------------------------------------------------------------------------------------------


def _generate(client, org, **extra):
    data = {"org": org.pk, "year": 2026, "quarter": 3, "doc_number": "武总工〔2026〕3号", "requirements": ""}
    return client.post(reverse("targets:bulletin_list"), {**data, **extra})


def test_the_list_shows_only_bulletins_in_scope(scenario, login):
    world = scenario
    for org in (world.wujin, world.tianning):
        Bulletin.objects.create(org=org, year=2026, quarter=3, title=f"{org.name}的通报")
    body = login(world.wujin_admin).get(reverse("targets:bulletin_list")).content.decode()
    assert "武进区总工会的通报" in body and "天宁区总工会的通报" not in body
    assert "生成通报" in body


def test_generating_records_the_bulletin_and_queues_the_job(scenario, login):
    world = scenario
    response = _generate(login(world.wujin_admin), world.wujin, requirements="抓紧推进。\n按时报送。")
    assert response.status_code == 302 and response["Location"] == reverse("targets:bulletin_list")
    bulletin = Bulletin.objects.get()
    assert (bulletin.org, bulletin.doc_number, bulletin.created_by) == (
        world.wujin,
        "武总工〔2026〕3号",
        world.wujin_admin,
    )
    assert bulletin.job.kind == "targets.bulletin" and bulletin.job.requested_by == world.wujin_admin
    assert bulletin.job.params == {"bulletin_id": bulletin.pk, "requirements": ["抓紧推进。", "按时报送。"]}


def test_generating_for_a_unit_of_another_subtree_is_refused(scenario, login):
    world = scenario
    response = _generate(login(world.wujin_admin), world.tianning)
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode() or "有效" in response.content.decode()
    assert not Bulletin.objects.exists() and not Job.objects.exists()
    with pytest.raises(PermissionDenied, match="无权为「天宁区总工会」生成通报"), actor(world.wujin_admin):
        bulletins.bulletin_generate(user=world.wujin_admin, org=world.tianning, year=2026, quarter=3)
    assert not Bulletin.objects.exists() and not Job.objects.exists()


def test_a_bad_quarter_and_too_many_requirements_show_on_the_form(scenario, login):
    client = login(scenario.wujin_admin)
    body = _generate(client, scenario.wujin, requirements="\n".join(str(n) for n in range(9))).content.decode()
    assert "最多 8 条" in body
    assert "选择一个有效的选项" in _generate(client, scenario.wujin, quarter=5).content.decode()
    assert not Bulletin.objects.exists()


def test_pages_of_another_subtree_are_404(scenario, login):
    world = scenario
    theirs = Bulletin.objects.create(org=world.tianning, year=2026, quarter=3, title="天宁的通报")
    client = login(world.wujin_admin)
    assert client.get(reverse("targets:bulletin_download", args=[theirs.pk, "docx"])).status_code == 404
    assert client.get(reverse("targets:bulletin_download", args=[theirs.pk, "pdf"])).status_code == 404
    assert client.get(reverse("targets:bulletin_delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("targets:bulletin_delete", args=[theirs.pk])).status_code == 404
    org = f"?org={world.tianning.pk}"
    assert client.get(reverse("targets:bulletin_template") + org).status_code == 404
    assert client.get(reverse("targets:bulletin_template_download") + org).status_code == 404
    assert client.post(reverse("targets:bulletin_template_reset") + org).status_code == 404
    assert Bulletin.objects.filter(pk=theirs.pk).exists()


def test_users_without_the_permission_get_403(scenario, login):
    client = login(scenario.nobody)
    assert client.get(reverse("targets:bulletin_list")).status_code == 403
    assert client.get(reverse("targets:bulletin_template")).status_code == 403


def test_delete_asks_then_removes(scenario, login):
    mine = Bulletin.objects.create(org=scenario.wujin, year=2026, quarter=3, title="武进的通报")
    client = login(scenario.wujin_admin)
    url = reverse("targets:bulletin_delete", args=[mine.pk])
    assert "确定要删除" in client.get(url).content.decode()
    with actor(scenario.wujin_admin):
        assert client.post(url).status_code == 302
    assert not Bulletin.objects.exists()


def test_download_before_the_job_finished_is_404(scenario, login):
    world = scenario
    _generate(login(world.wujin_admin), world.wujin)
    bulletin = Bulletin.objects.get()
    response = login(world.wujin_admin).get(reverse("targets:bulletin_download", args=[bulletin.pk, "docx"]))
    assert response.status_code == 404


# --- Word template ----------------------------------------------------------------------------------------


def _docx_upload(name: str, *paragraphs: str, base: bool = True) -> SimpleUploadedFile:
    document = Document(str(default_template_path())) if base else Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_an_uploaded_template_is_used_by_the_unit_and_its_sub_units_until_reset(scenario, login):
    world = scenario
    client = login(world.wujin_admin)
    url = reverse("targets:bulletin_template")
    assert "系统默认模板" in client.get(url).content.decode()
    response = client.post(url, {"org": world.wujin.pk, "file": _docx_upload("我的模板.docx", "武进模板标记")})
    assert response.status_code == 302
    assert bulletins.template_for(world.wujin).org == world.wujin
    assert bulletins.template_for(world.hutang).org == world.wujin  # inherited
    assert bulletins.template_for(world.tianning).is_default
    assert "本单位上传的模板" in client.get(url).content.decode()
    downloaded = client.get(reverse("targets:bulletin_template_download"))
    assert "武进模板标记" in docx_text(BytesIO(b"".join(downloaded.streaming_content)))
    reset = reverse("targets:bulletin_template_reset") + f"?org={world.wujin.pk}"
    assert "恢复" in client.get(reset).content.decode()
    assert client.post(reset).status_code == 302
    assert bulletins.template_for(world.wujin).is_default


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("模板.docx", b"not a zip"), "不是有效的 Word 文档"),
        (lambda: SimpleUploadedFile("模板.doc", b"whatever"), "不是 .docx 文件"),
        (lambda: _docx_upload("模板.docx", "{{ no_such_field }}", base=False), "不存在的变量“no_such_field”"),
        (lambda: _docx_upload("模板.docx", "{% for x in indicators %}", base=False), "没有对应的结束标签"),
    ],
)
def test_a_template_that_cannot_render_is_rejected(scenario, login, upload, message):
    client = login(scenario.wujin_admin)
    response = client.post(reverse("targets:bulletin_template"), {"org": scenario.wujin.pk, "file": upload()})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert bulletins.template_for(scenario.wujin).is_default


def test_only_template_admins_of_the_unit_may_replace_it(scenario):
    with pytest.raises(PermissionDenied, match="无权更换「天宁区总工会」"):
        bulletins.bulletin_template_upload(
            user=scenario.wujin_admin, org=scenario.tianning, file=_docx_upload("模板.docx")
        )
    with pytest.raises(PermissionDenied, match="无权更换"):
        bulletins.bulletin_template_reset(user=scenario.chair, org=scenario.wujin_union)
