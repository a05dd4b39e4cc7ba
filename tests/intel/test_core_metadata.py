"""Title, date and date kind, region and reporting organisation (conventions 9 and 10)."""

from __future__ import annotations

import pytest

from gonghui.intel import extract_text
from gonghui.intel.metadata import find_places


def meta(text: str) -> tuple:
    result = extract_text(text)
    return result["title"], result["date"], result["date_kind"], result["region"], result["org"]


def test_published_date_from_the_page_and_org_from_the_title():
    text = "\n".join(
        [
            "您现在的位置：首页 > 工会要闻",
            "池州市总工会召开五届三次全委会议",
            "发布时间：2023-03-02 16:40:11 来源：池州市总工会 浏览次数：88",
            "3月1日，池州市总工会召开五届三次全委（扩大）会议。",
            "会议总结了2022年工作。",
        ]
    )
    assert meta(text) == ("池州市总工会召开五届三次全委会议", "2023-03-02", "published", "池州市", "池州市总工会")


@pytest.mark.parametrize(
    "line",
    [
        "发布日期：2023年3月2日",
        "时间：2023/03/02",
        "发表时间：2023.3.2",
        "2023-03-02 来源：市总工会",
        "日期：二〇二三年三月二日",
    ],
)
def test_published_date_spellings(line):
    text = "\n".join(["市总工会召开全委会议", line, "会议总结了去年工作，部署了今年任务。"])
    assert meta(text)[1:3] == ("2023-03-02", "published")


def test_event_date_needs_year_month_and_day_in_the_lead():
    text = "标题在此处写着\n2023年5月10日上午，松江区总工会举办职工技能大赛。\n比赛共设六个项目。"
    assert meta(text)[1:3] == ("2023-05-10", "event")
    text = "标题在此处写着\n5月10日上午，松江区总工会举办职工技能大赛。\n比赛共设六个项目。"
    assert meta(text)[1:3] == (None, None)


def test_page_update_stamps_and_url_dates_are_not_dates():
    text = "\n".join(
        [
            "义安区推进专项工作走深走实",
            "专项工作启动后，义安区总工会全面加强组织领导。",
            "展开阅读全文",
            "页面更新：2024-05-17",
            "https://www.example.com/2024/05/17/news.html",
        ]
    )
    _title, date, kind, region, org = meta(text)
    assert (date, kind) == (None, None)
    assert (region, org) == ("义安区", "义安区总工会")


def test_bare_city_union_is_joined_with_the_city_named():
    text = "\n".join(
        [
            "在全市工会工作推进会上的讲话",
            "同志们：",
            "今年来，市总联合市人社局举办劳模进校园活动。",
            "市总工会将加大督促力度，《三明市工会困难职工帮扶工作暂行规定》已修订。",
            "建宁县总工会今年来各项工作都有较大进展。",
        ]
    )
    assert meta(text)[3:] == ("三明市", "三明市总工会")


def test_round_up_of_several_unions_has_no_org():
    text = "\n".join(
        [
            "近日，成都市工会第十六次代表大会胜利闭幕。成都各级工会迅速传达学习。",
            "都江堰市",
            "都江堰市总工会召开党组（扩大）会，传达学习大会精神。",
            "金堂县",
            "近日，金堂县总工会召开专题会议，传达学习大会精神。",
            "会议要求，全县各级工会要抓好落实。",
            "成都市总工会有关负责同志参加会议。",
        ]
    )
    assert meta(text)[3:] == ("成都市", None)


def test_short_place_names_before_a_union():
    assert meta("松江工会举办职工运动会\n本报讯 松江工会日前举办职工运动会。")[3:] == ("松江", "松江工会")
    names = [written for _, _, written, _ in find_places("常州市总工会、武进区总工会和溧阳市总工会")]
    assert names == ["常州市", "武进区", "溧阳市"]


def test_host_site_names_are_never_the_org():
    text = "\n".join(
        [
            "欢迎访问赣州市总工会网站！ 今天是：",
            "赣州市总工会五届三次全委（扩大）会议召开",
            "发布日期：2024-04-01 09:52:50 来源：赣州市总工会",
            "3月29日，赣州市总工会五届三次全委（扩大）会议召开。",
            "主办单位：中工网",
        ]
    )
    assert meta(text) == (
        "赣州市总工会五届三次全委（扩大）会议召开",
        "2024-04-01",
        "published",
        "赣州市",
        "赣州市总工会",
    )


def test_no_title_when_the_text_starts_with_a_sentence():
    assert meta("近日，某市召开会议，部署全年工作。\n会议强调要抓好落实。")[0] is None


def test_title_loses_the_hosting_site_suffix():
    text = "常州市总工会召开三季度工作交流会议_常州工会网\n10月12日，常州市总工会召开会议。"
    assert meta(text)[0] == "常州市总工会召开三季度工作交流会议"


def test_parent_place_and_town_unions():
    assert meta("铜陵市义安区总工会召开全委会议\n近日，铜陵市义安区总工会召开全委会议。")[3:] == (
        "义安区",
        "铜陵市义安区总工会",
    )
    text = "标题这里没有单位名称\n7月5日，武进区湖塘镇总工会开展送清凉活动，慰问一线职工300人。"
    assert meta(text)[3:] == ("湖塘镇", "武进区湖塘镇总工会")


@pytest.mark.parametrize(
    ("lead", "date"),
    [
        ("2023年12月5日上午，区总工会召开会议。", "2023-12-05"),
        ("区总工会于2023年12月5日召开会议。", "2023-12-05"),
        ("2024年3月29日至30日，市总工会举办培训班。", "2024-03-29"),
        ("近日，区总工会召开会议，要求2024年6月30日前完成建会任务。", None),
        ("近日，区总工会召开会议。自2023年1月1日起，全区开展专项行动。", None),
        ("近日，区总工会召开会议。截至2023年11月30日，全区新建工会50家。", None),
    ],
)
def test_event_dates_are_not_deadlines(lead, date):
    assert meta("标题这里没有单位名称\n" + lead)[1] == date


def test_headline_ending_in_an_exclamation_mark():
    text = "工会送温暖，暖到职工心坎里！\n发布时间：2024-02-01\n1月31日，永康市总工会开展送温暖活动。"
    assert meta(text) == ("工会送温暖，暖到职工心坎里！", "2024-02-01", "published", "永康市", "永康市总工会")
    assert extract_text("同志们！\n今天我们召开会议。")["body"] == "同志们！\n今天我们召开会议。"


def test_a_date_stamp_line_is_metadata_not_the_title():
    text = "\n".join(
        [
            "中工网",
            "首页 要闻 评论 工会 劳动 经济 文化",
            "江西：全省工会“两节”送温暖活动发放资金2.1亿元",
            "2024-02-08 09:25:16  来源：工人日报",
            "中工网讯（记者 张三）记者日前从江西省总工会获悉，全省各级工会共筹集送温暖资金2.1亿元。",
            "责任编辑：李四",
        ]
    )
    assert meta(text) == (
        "江西：全省工会“两节”送温暖活动发放资金2.1亿元",
        "2024-02-08",
        "published",
        "江西省",
        "江西省总工会",
    )


def test_round_up_region_is_the_place_above_its_unions():
    text = "\n".join(
        [
            "全省各地工会开展送清凉活动",
            "近日，全省各地工会积极开展夏送清凉活动。",
            "南京市总工会组织慰问一线职工5000人。",
            "无锡市总工会开展送清凉进工地活动。",
        ]
    )
    assert meta(text)[3:] == ("江苏省", None)


def test_headline_is_the_line_above_the_page_metadata_not_the_subtitle():
    text = "\n".join(
        [
            "常州市总工会网站",
            "劳模精神代代传",
            "——记全国五一劳动奖章获得者、某某公司高级技师张三同志",
            "发布时间：2024-04-28",
            "张三是某某公司高级技师，从业二十年。",
        ]
    )
    assert meta(text)[:3] == ("劳模精神代代传", "2024-04-28", "published")


def test_enterprise_and_national_unions_from_the_headline():
    assert meta("国网常州供电公司工会开展夏送清凉活动\n7月1日，公司工会为一线职工送去清凉。")[3:] == (
        "常州",
        "国网常州供电公司工会",
    )
    assert meta("全国总工会召开十八届二次执委会议\n1月8日，全国总工会召开会议。")[3:] == (None, "全国总工会")


def test_a_labelled_publication_date_below_the_article():
    text = (
        "标题这里没有单位名称呀\n近日，区总工会召开会议，部署工作。\n责任编辑：张三\n发布时间：2024-03-01 来源：某某网"
    )
    assert meta(text)[1:3] == ("2024-03-01", "published")


@pytest.mark.parametrize(
    "line", ["更新时间：2024-05-01 发布时间：2024-04-01", "发布时间：2024-04-01 更新时间：2024-05-01"]
)
def test_the_label_right_before_a_date_decides(line):
    text = "市总工会召开全委会议\n" + line + "\n会议总结了去年工作，部署了今年任务。"
    assert meta(text)[1:3] == ("2024-04-01", "published")
