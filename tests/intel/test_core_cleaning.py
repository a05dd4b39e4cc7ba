"""Web boilerplate out, the whole body in (convention 11)."""

from __future__ import annotations

import pytest

from gonghui.intel import extract_text
from gonghui.intel.cleaning import clean, is_boilerplate, remove_inline_junk

BODY = [
    "本报讯 3月8日，某某区总工会举办庆祝“三八”国际妇女节活动。",
    "活动现场，区总工会为50名优秀女职工颁发了荣誉证书。",
    "区总工会有关负责人表示，将继续关心关爱女职工。",
]


def page(before: list[str], after: list[str]) -> str:
    return "\n".join([*before, "某某区总工会举办三八节活动", *BODY, *after])


@pytest.mark.parametrize(
    "line",
    [
        "退出长者模式",
        "无障碍阅读",
        "欢迎访问某某市总工会网站！ 今天是：2024年3月8日 星期五",
        "您现在的位置：首页 > 新闻中心 > 工会要闻",
        "当前位置：首页 > 基层动态",
        "首页 | 工会要闻 | 基层动态 | 通知公告 | 联系我们",
        "发布时间：2024-03-08 10:20 来源：区总工会 浏览次数：321",
        "来源：某某日报",
        "作者：张三 责任编辑：李四",
        "字号：[大 中 小] 【打印】【关闭】",
        "浏览次数：1024",
        "分享到：微信 微博 QQ空间",
        "扫一扫在手机打开当前页",
        "上一篇：市总工会召开全委会",
        "下一篇：全市职工运动会开幕",
        "展开阅读全文",
        "扩展阅读文章",
        "推荐阅读：",
        "标签：工会 女职工 三八节",
        "页面更新：2024-05-17",
        "1 2 3 4 5",
        "上滑加载更多 ↓",
        "Copyright © 2002-2018 . 花田文秘网 版权所有",
        "© CopyRight 2020-2024 All Rights Reserved. Powered By 71396.com 闽ICP备11008920号-4",
        "苏ICP备05003616号-2",
        "苏公网安备32041102000483号",
        "网站标识码：3204000066",
        "主办单位：常州市总工会",
        "技术支持：某某网络科技有限公司",
        "网站支持IPV6 推荐使用1024*768或以上分辨率",
        "本站资料均由网友自行发布提供，仅用于学习交流。如有版权问题，请与我联系",
        "下面是小编为大家整理的2022年在全市工会工作推进会上的讲话，供大家参考。",
        "花田文秘网 https://www.huatianclub.com",
        "Top",
    ],
)
def test_boilerplate_kinds_are_recognised(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", BODY)
def test_body_sentences_are_not_boilerplate(line):
    assert not is_boilerplate(line)


def test_header_and_footer_furniture_leave_the_whole_body():
    text = page(
        ["退出长者模式", "您现在的位置：首页 > 工会要闻"],
        [
            "(通讯员 王五)",
            "分享到：微信 微博",
            "上一篇：区总工会召开全委会",
            "主办单位：某某区总工会",
            "苏ICP备12345678号",
        ],
    )
    result = clean(text)
    assert result.body_lines == BODY
    assert result.header == ["某某区总工会举办三八节活动"]


def test_body_starts_at_the_dateline_and_keeps_subheadings():
    text = "\n".join(
        [
            "市总工会召开全委会",
            "发布日期：2024-01-05",
            "中工网讯 1月4日，会议召开。",
            "一、工作回顾",
            "全年工作取得新成效。",
        ]
    )
    assert clean(text).body_lines == ["中工网讯 1月4日，会议召开。", "一、工作回顾", "全年工作取得新成效。"]


def test_a_speech_starts_at_the_salutation():
    text = "\n".join(
        ["下面是小编为大家整理的讲话，供大家参考。", "在全市工会工作会议上的讲话", "同志们：", "今天我们召开会议。"]
    )
    result = clean(text)
    assert result.body_lines == ["同志们：", "今天我们召开会议。"]
    assert result.header == ["在全市工会工作会议上的讲话"]


def test_credit_in_the_last_sentence_stays():
    text = "\n".join(["标题在这里吗", "全区产改工作向纵深发展。(李炜)", "展开阅读全文", "页面更新：2024-05-17"])
    assert clean(text).body_lines == ["全区产改工作向纵深发展。(李炜)"]


@pytest.mark.parametrize(
    ("line", "clean_line"),
    [
        (
            "把新思想送进园区、送进企业、新时代中 当前隐藏内容免费查看国特色社会主义思想",
            "把新思想送进园区、送进企业、新时代中国特色社会主义思想",
        ),
        ("会议要求展开阅读全文各级工会落实。", "会议要求各级工会落实。"),
        ("活动现场（点击查看大图）气氛热烈。", "活动现场气氛热烈。"),
    ],
)
def test_inline_junk_is_cut_out(line, clean_line):
    assert remove_inline_junk(line) == clean_line


def test_offsets_follow_the_cleaned_body():
    text = page(["您现在的位置：首页"], ["责任编辑：李四"])
    result = extract_text(text)
    assert result["body"] == "\n".join(BODY)
    for fact in result["facts"]:
        assert result["body"][fact["start"] : fact["end"]] == fact["evidence"]


def test_a_long_sentence_naming_copyright_is_still_body():
    line = (
        "区总工会联合市场监管局开展知识产权保护宣传活动，向职工讲解版权所有、商标注册等知识，"
        "现场发放宣传资料500余份，解答职工咨询120人次，进一步增强了职工的法律意识和维权能力，活动受到好评。"
        "活动还邀请律师进行现场讲解，并为职工提供一对一咨询服务，帮助职工解决实际问题，效果良好。"
        "下一步区总工会将持续开展此类活动，让更多职工受益，营造尊重知识、崇尚创新的良好氛围，助力高质量发展。"
    )
    assert not is_boilerplate(line)


def test_an_interview_question_is_body_but_the_reporter_credit_is_not():
    text = "\n".join(
        [
            "专访市总工会主席张三",
            "发布时间：2024-05-01",
            "记者：今年以来，市总工会在服务职工方面有哪些新举措？",
            "张三：今年以来，我们共慰问困难职工3000人。",
            "记者：李四",
        ]
    )
    assert clean(text).body_lines == [
        "记者：今年以来，市总工会在服务职工方面有哪些新举措？",
        "张三：今年以来，我们共慰问困难职工3000人。",
    ]


def test_a_byline_on_its_own_line_is_a_credit():
    text = "标题这里有吗\n全区产改工作向纵深发展。\n(李炜)\n（完）"
    result = clean(text)
    assert result.body_lines == ["全区产改工作向纵深发展。"]
    assert result.trailer == ["(李炜)", "（完）"]
