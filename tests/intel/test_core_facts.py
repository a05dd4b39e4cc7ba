"""Figures mapped to indicators, with kind and flags (conventions 2–8), on short examples."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.intel.catalog import load_catalog
from gonghui.intel.facts import extract_facts


def pairs(text: str) -> list[tuple[str, int | float]]:
    return [(fact["indicator"], fact["value"]) for fact in extract_facts(text)]


def only(text: str) -> dict:
    facts = extract_facts(text)
    assert len(facts) == 1, facts
    return facts[0]


def test_catalog_is_read_without_django():
    catalog = load_catalog()
    assert catalog["relief_amount"]["unit"] == "元"
    assert "慰问金" in catalog["relief_amount"]["phrases"]
    assert len(catalog) >= 37


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("组建基层工会32个，发展会员837人。", [("unions_established", 32), ("members_recruited", 837)]),
        ("新建联合工会5个。", [("joint_unions_established", 5)]),
        ("全市共有工会会员58.3万人。", [("members_total", 583000)]),
        ("轮训工会主席260人。", [("union_chairs_trained", 260)]),
        ("新建职工之家30家。", [("service_centers_built", 30)]),
        ("全市已建档困难职工637户。", [("hardship_households", 637)]),
        ("慰问困难职工509人，慰问金41万余元。", [("relief_beneficiaries", 509), ("relief_amount", 410000)]),
        ("为15万名职工提供工会大病互助保障。", [("mutual_aid_enrolled", 150000)]),
        ("为5万名一线职工赠送健康体检。", [("health_checks", 50000)]),
        ("组织420名劳模和一线职工参加疗休养。", [("recuperation_participants", 420)]),
        ("接待职工来信来电来访163件366人次。", [("petitions_cases", 163), ("petitions_persons", 366)]),
        ("办理法律援助案件86件。", [("legal_aid_cases", 86)]),
        ("全市有1499家单位建立了工会劳动法律监督委员会。", [("legal_supervision_committees", 1499)]),
        ("签订工资专项集体合同1530份。", [("collective_contracts", 1530)]),
        ("配齐集体协商指导员2名，工会社会化工作者5名。", [("bargaining_instructors", 2), ("union_social_workers", 5)]),
        (
            "提供就业岗位2800多个、3000多人应聘、达成就业意向506人。",
            [("jobs_offered", 2800), ("job_seekers", 3000), ("job_intents", 506)],
        ),
        ("开展职工技能培训3200人次。", [("skills_trainees", 3200)]),
        ("举办技能竞赛56场，参赛职工2.3万余人。", [("competitions_held", 56), ("competition_participants", 23000)]),
        ("“安徽省劳动模范”2人，“安徽省金牌职工”1人。", [("model_workers", 2), ("model_workers", 1)]),
        ("建成劳模创新工作室18家。", [("innovation_studios", 18)]),
        ("新增的第二批356家产改试点企业。", [("reform_pilot_enterprises", 356)]),
        ("打造了3个产改示范点。", [("reform_demo_sites", 3)]),
        ("市总5个方面25项改革任务，已完成19项。", [("reform_tasks_done", 25), ("reform_tasks_done", 19)]),
        ("举办3场产改专题培训。", [("trainings_held", 3)]),
        ("全年收缴工会经费1.86亿元。", [("dues_collected", 186000000)]),
    ],
)
def test_every_indicator_family_is_read(text, expected):
    assert pairs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "每人发放慰问金1000元。",
        "慰问标准为每户2000元。",
        "发放慰问金500元/人。",
        "工会经费征缴完成20%多。",
        "建会率达到95%，同比提高3个百分点。",
        "推动百人以上企业建会。",
        "持续推进百人以下25人以上企业建会工作。",
        "推动建立首家社会组织工会。",
        "第九期职工医疗互助启动。",
        "锚定“1484”工作思路，打造“1+11+N”宣传矩阵。",
        "扎实推进“工会助力‘7510’建功新时代”专项行动。",
        "走访企业150家。",
        "为农民工追回欠薪320万元。",
        "帮助职工挽回经济损失85万元。",
        "投入资金800万元建设职工服务阵地。",
        "2024年3月29日召开会议。",
        "五届三次全委（扩大）会议召开。",
        "筹集互助保障会费300万元。",
        "3个驿站被评为全国最美工会户外劳动者服务站点。",
        "助企纾困10条举措、两篇宣传案例。",
        "对困难职工实行一户一策精准帮扶。",
        "组织数百名劳模参加活动。",
        "作为一名劳模，他始终坚持在一线。",
        "力争每个县（市、区）至少建成1个职工服务中心。",
        "开展职工文体活动20场，参与职工5000人次。",
        "确定工资集体协商试点企业20家。",
    ],
)
def test_not_facts(text):
    assert pairs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "今年计划新建职工之家30家。",
        "预计全年慰问困难职工5000人。",
        "明年将新建工会驿站20个。",
        "拟发展会员1万人。",
        "力争全年发展会员2万人。",
        "确保完成全年新建工会300家的目标任务。",
        "“提升、新建200家户外劳动者驿站”两项实事都已超额完成。",
        "年度目标是发展会员5000人。",
        "向各县区下达发展会员任务1.5万人。",
    ],
)
def test_targets(text):
    assert {fact["kind"] for fact in extract_facts(text)} == {"target"}


@pytest.mark.parametrize(
    "text",
    [
        "去年，全市发展会员2.1万人，超额完成年度目标任务。",
        "上半年慰问困难职工1200人，完成全年任务的60%。",
        "突出“作用发挥强”目标，打造了3个产改示范点。",
        "全市已建成爱心驿站200座。",
        "为确保活动取得实效，市总工会共慰问困难职工500人。",
        "争取上级资金帮扶困难职工300人。",
    ],
)
def test_actuals(text):
    assert {fact["kind"] for fact in extract_facts(text)} == {"actual"}


def test_a_done_word_after_a_plan_word_turns_back_to_actuals():
    facts = extract_facts("计划新建驿站50个，目前已建成30个。")
    assert [(f["value"], f["kind"]) for f in facts] == [(50, "target"), (30, "actual")]


def test_plan_sections_of_a_summary_are_targets():
    lines = ["一、2023年工作完成情况", "全年新建基层工会56家。", "二、2024年工作计划", "（一）新建基层工会30家。"]
    text = "\n".join([*lines, "（二）新建工会驿站10个。"])
    kinds = [(fact["value"], fact["kind"]) for fact in extract_facts(text)]
    assert kinds == [(56, "actual"), (30, "target"), (10, "target")]


@pytest.mark.parametrize(
    "text",
    [
        "截至目前，全市建成工会驿站312个。",
        "累计建成职工之家1260家。",
        "全区共有劳动法律监督委员会860个。",
        "工会会员总数达89.5万人。",
        "会员已达12万人的现有会员规模，现有会员12万人。",
        "目前，全市已建档困难职工637户。",
        "全市有1499家单位建立了工会劳动法律监督委员会。",
    ],
)
def test_running_totals_are_cumulative(text):
    assert all(fact["cumulative"] for fact in extract_facts(text))


def test_a_count_for_the_period_is_not_cumulative():
    assert only("今年来，全市工会已接待职工来信来电来访163件。")["cumulative"] is False


def test_totals_and_parts():
    facts = extract_facts("打造了3个产改示范点，其中：1个被命名为市级产改示范点、2个为区级产改示范点。")
    assert [(f["value"], f["component"]) for f in facts] == [(3, False), (1, True), (2, True)]


def test_a_part_without_its_own_phrase_takes_the_total_indicator():
    facts = extract_facts("目前，全市已建档困难职工637户，其中地方档260户。")
    assert [(f["indicator"], f["value"], f["component"], f["cumulative"]) for f in facts] == [
        ("hardship_households", 637, False, True),
        ("hardship_households", 260, True, True),
    ]


def test_a_part_in_the_next_sentence():
    facts = extract_facts("今年新发展会员3.6万名。其中农民工会员1.2万名。")
    assert [(f["value"], f["component"]) for f in facts] == [(36000, False), (12000, True)]


def test_qizhong_without_a_total_before_it_is_no_part():
    facts = extract_facts("四项实事列入民生实事项目。其中，“新建200家户外劳动者驿站”已完成。")
    assert [(f["value"], f["component"]) for f in facts] == [(200, False)]


def test_a_fact_stated_twice_is_one_fact():
    assert pairs("全年慰问困难职工509人。……回顾全年，慰问困难职工509人，成效明显。") == [("relief_beneficiaries", 509)]


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("开展“金秋助学”活动，资助困难职工子女326名，发放助学金98万元。", "relief_amount"),
        ("夏送清凉活动中，发放防暑降温物资价值150万元。", "relief_amount"),
        ("开展送温暖活动，筹集送温暖资金2000余万元。", "relief_amount"),
    ],
)
def test_relief_money_under_any_programme(text, indicator):
    assert indicator in [fact["indicator"] for fact in extract_facts(text)]


def test_summer_cooling_and_student_aid_people():
    assert pairs("夏送清凉活动中，慰问一线高温作业职工1.2万人次。") == [("summer_cooling_beneficiaries", 12000)]
    assert pairs("开展金秋助学活动，资助困难职工子女326名。") == [("student_aid_beneficiaries", 326)]


def test_mutual_aid_payouts_premiums_and_enrolment():
    assert pairs("职工医疗互助活动赔付互助金2300万元。") == [("mutual_aid_paid", 23000000)]
    assert pairs("互助保障为患病职工发放救助金120万元。") == [("mutual_aid_paid", 1200000)]
    assert pairs("今年参加职工医疗互助的职工达30万人。") == [("mutual_aid_enrolled", 300000)]
    assert pairs("职工互助保障新增参保职工1.2万人。") == [("mutual_aid_enrolled", 12000)]
    assert pairs("收缴互助保障会费300万元。") == []


def test_new_employment_workers_are_not_also_members_recruited():
    assert pairs("新就业形态劳动者入会1100余人。") == [("new_employment_members", 1100)]
    assert pairs("吸纳快递员、外卖员等新就业形态劳动者入会3200人。") == [("new_employment_members", 3200)]
    assert pairs("发展快递员、网约车司机等新就业形态劳动者会员800人。") == [("new_employment_members", 800)]
    assert pairs("发展会员1.2万人，其中快递员、外卖员入会3000人。")[1] == ("new_employment_members", 3000)


@pytest.mark.parametrize(
    "text",
    [
        "新建工会驿站45个。",
        "建成爱心驿站200座。",
        "新建职工服务点12个。",
        "建成司机之家3个。",
        "建成了3家四星级“工会服务驿站”。",
        "新增户外劳动者服务站点60个。",
    ],
)
def test_stations_under_any_name(text):
    assert [fact["indicator"] for fact in extract_facts(text)] == ["stations_built"]


def test_online_events_are_not_approximate_but_round_hundreds_are():
    facts = extract_facts("举办线上技能竞赛3场，提供就业岗位上千个。")
    assert [(f["value"], f["approx"]) for f in facts] == [(3, False), (1000, True)]


def test_evidence_is_the_body_slice():
    text = "开展冬送温暖活动，慰问困难职工509人，慰问金41万余元。"
    for fact in extract_facts(text):
        assert text[fact["start"] : fact["end"]] == fact["evidence"]
    assert [fact["evidence"] for fact in extract_facts(text)] == ["慰问困难职工509人", "慰问金41万余元"]


def test_verbs_win_over_bare_nouns():
    assert pairs("慰问劳模50人。") == [("relief_beneficiaries", 50)]
    assert pairs("慰问困难职工、劳模等1.5万余人。") == [("relief_beneficiaries", 15000)]


def test_a_short_clause_repeating_the_verb_keeps_the_noun():
    facts = extract_facts("新建工会驿站45个，累计建成312个。")
    assert [(f["indicator"], f["value"], f["cumulative"]) for f in facts] == [
        ("stations_built", 45, False),
        ("stations_built", 312, True),
    ]
    assert pairs("受理劳动争议调解案件120件，调解成功98件。") == [("legal_aid_cases", 120)]


def test_a_period_word_after_a_running_total_ends_it():
    facts = extract_facts("全市已累计建成工会驿站1200余家，今年新建126家。")
    assert [(f["value"], f["cumulative"], f["approx"]) for f in facts] == [(1200, True, True), (126, False, False)]
    assert only("截至目前，全市新建工会驿站45个。")["cumulative"] is True


def test_the_noun_may_follow_an_enumeration():
    assert pairs("推动3200名快递员、外卖送餐员加入工会。") == [("new_employment_members", 3200)]
    assert pairs("为3000名环卫工人、快递员送清凉。") == [("summer_cooling_beneficiaries", 3000)]


def test_new_employment_part_of_a_recruitment_total():
    facts = extract_facts("发展会员1.2万人，其中新就业形态劳动者3000人。")
    assert [(f["indicator"], f["value"], f["component"]) for f in facts] == [
        ("members_recruited", 12000, False),
        ("new_employment_members", 3000, True),
    ]


def test_labelled_figures_and_numbered_lists():
    assert pairs("主要指标完成情况：新建工会驿站：20个；慰问困难职工：850人。") == [
        ("stations_built", 20),
        ("relief_beneficiaries", 850),
    ]
    assert pairs("1.新建基层工会52家；2.发展会员4600人；3.建成职工之家18个。") == [
        ("unions_established", 52),
        ("members_recruited", 4600),
        ("service_centers_built", 18),
    ]


def test_bare_members_are_the_membership_unless_new():
    assert pairs("全区共有基层工会组织386个，会员4.2万人。") == [("members_total", 42000)]
    assert pairs("新发展农民工会员1200人。") == [("members_recruited", 1200)]


def test_hardship_households_need_a_file_and_relief_households_do_not():
    assert pairs("对全县128户困难职工家庭进行帮扶。") == [("relief_beneficiaries", 128)]
    assert pairs("全县建档困难职工家庭128户。") == [("hardship_households", 128)]


def test_a_part_belongs_to_a_total_of_the_same_unit():
    facts = extract_facts("慰问职工5000人，发放慰问金300万元，其中慰问困难职工2000人。")
    assert [(f["value"], f["component"]) for f in facts] == [(5000, False), (3000000, False), (2000, True)]
    facts = extract_facts("慰问困难职工500人，其中发放慰问金20万元。")
    assert [f["component"] for f in facts] == [False, False]


def test_a_part_in_a_later_sentence_needs_the_total_right_before_it():
    assert pairs("全市建档困难职工637户。会议强调要做好工作。其中地方档260户。") == [("hardship_households", 637)]


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet="慰问困难职工驿站工会其中累计计划将新建发展会员万亿余多近约以上人名个家户元件期，。、：“”0123456789一二三十百千两\n",
        max_size=120,
    )
)
def test_any_text_gives_well_formed_facts(text):
    from gonghui.intel import extract_text

    result = extract_text(text)
    for fact in result["facts"]:
        assert result["body"][fact["start"] : fact["end"]] == fact["evidence"]
        assert fact["value"] > 0
        assert fact["kind"] in ("actual", "target")
        assert fact["unit"] == load_catalog()[fact["indicator"]]["unit"]
