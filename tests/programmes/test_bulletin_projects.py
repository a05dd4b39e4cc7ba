"""民生实事 in the quarterly bulletin: the year's projects in scope with target, figure, % and status,
read back from the generated .docx (python-docx) and .pdf."""

import datetime
import io
from decimal import Decimal

import pytest
from docx import Document

from gonghui.programmes import services_jobfairs, services_projects
from gonghui.reports.bulletin import render_docx
from gonghui.targets import bulletins
from gonghui.targets.models import Indicator
from tests.programmes.helpers import make_station

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
YEAR = TODAY.year
QUARTER = (TODAY.month - 1) // 3 + 1


def project(user, org, title, target, key=None, **extra):
    return services_projects.project_create(
        user=user,
        data={
            "org": org,
            "year": YEAR,
            "title": title,
            "target_value": Decimal(target),
            "unit": extra.pop("unit", "个"),
            "deadline": datetime.date(YEAR, 12, 31),
            "indicator": Indicator.objects.get(key=key) if key else None,
            "is_public": True,
            **extra,
        },
    )


def project_rows(data) -> list[list[str]]:
    buffer = io.BytesIO()
    render_docx(data, buffer)
    buffer.seek(0)
    document = Document(buffer)
    for table in document.tables:
        header = [cell.text for cell in table.rows[0].cells]
        if header[:2] == ["项目", "承诺单位"]:
            return [[cell.text for cell in row.cells] for row in table.rows[1:]]
    paragraphs = [p.text for p in document.paragraphs]
    assert "本年度无民生实事项目。" in paragraphs
    return []


@pytest.fixture
def projects(world, settings):
    settings.TARGETS_FIGURES_MAX_LAG = 0
    admin = world.wujin_admin
    make_station(admin, world.hutang, built_on=TODAY - datetime.timedelta(days=1))
    make_station(admin, world.hutang, name="第二个驿站", built_on=TODAY - datetime.timedelta(days=2))
    project(admin, world.wujin, "新建提升4家驿站", 4, "stations_built", unit="家")
    fair = services_jobfairs.fair_create(
        user=admin,
        data={
            "org": world.hutang,
            "name": "湖塘招聘会",
            "mode": "online",
            "held_on": TODAY,
            "organiser": "区总工会",
            "status": "held",
            "positions": 0,
            "applicants": 0,
            "intents": 0,
        },
    )
    services_jobfairs.employer_add(
        user=admin,
        fair=fair,
        data={"employer": None, "employer_name": "某厂", "positions": 60, "applicants": 80, "intents": 12},
    )
    project(admin, world.wujin, "提供就业岗位50个", 50, "jobs_offered")
    reported = project(admin, world.wujin, "慰问困难职工100人", 100, unit="人")
    services_projects.project_report(user=admin, project=reported, value=Decimal(0), as_of=TODAY)
    project(world.tianning_admin, world.tianning, "天宁的实事", 10)
    return world


def test_bulletin_lists_the_years_projects_with_progress(projects):
    world = projects
    data = bulletins.bulletin_data(world.city_admin, world.city, YEAR, QUARTER)
    rows = project_rows(data)
    by_title = {row[0]: row for row in rows}
    assert set(by_title) == {"新建提升4家驿站", "提供就业岗位50个", "慰问困难职工100人", "天宁的实事"}
    stations = by_title["新建提升4家驿站"]
    assert stations[1:5] == ["武进区总工会", "4家", "2", "50.0%"]
    jobs = by_title["提供就业岗位50个"]
    assert jobs[3:5] == ["60", "120.0%"] and jobs[6] == "超额完成"  # counted from the job fair
    relief = by_title["慰问困难职工100人"]
    assert relief[3] == "0" and relief[6] in ("滞后", "预警", "正常")
    assert by_title["天宁的实事"][3] == "—" and by_title["天宁的实事"][6] == "暂无数据"
    # 序时进度 is the share of the year passed at the bulletin's date
    assert all(row[5].endswith("%") for row in rows)


def test_bulletin_shows_only_projects_in_the_users_scope(projects):
    world = projects
    data = bulletins.bulletin_data(world.wujin_admin, world.wujin, YEAR, QUARTER)
    titles = [row[0] for row in project_rows(data)]
    assert "天宁的实事" not in titles and len(titles) == 3
    # a city bulletin read by the district admin still shows only what the admin may see
    data = bulletins.bulletin_data(world.tianning_admin, world.tianning, YEAR, QUARTER)
    assert [row[0] for row in project_rows(data)] == ["天宁的实事"]


def test_no_projects_says_so(world):
    data = bulletins.bulletin_data(world.city_admin, world.city, YEAR, QUARTER)
    assert data.projects == []
    assert project_rows(data) == []


def test_pdf_has_the_section(projects, tmp_path):
    import shutil
    import subprocess

    from gonghui.reports.bulletin import render_pdf

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    data = bulletins.bulletin_data(projects.city_admin, projects.city, YEAR, QUARTER)
    render_pdf(data, tmp_path / "b.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True).stdout
    assert "六、民生实事项目进展" in text and "提供就业岗位50个" in text and "超额完成" in text
