"""Web boilerplate out, the whole body in.

Works on lines. Each line is either boilerplate (navigation, share widgets, page furniture,
发布时间/来源/浏览次数/字号 lines, 上一篇/下一篇, copyright, ICP and 公安备案 footers, the
spam that essay sites put before and after a text) or text. The body starts at the first
sentence-like line after the header (title and page metadata) and stops at the first footer
line after it; credits and stray short lines at its very end go too. Inline junk that sites
inject mid-sentence ("当前隐藏内容免费查看", "展开阅读全文") is cut out of the lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Injected mid-text by hosting sites; removed together with the spaces around them.
INLINE_JUNK = re.compile(
    r"\s*(?:当前隐藏内容免费查看|展开阅读全文|点击展开全文|阅读全文|查看全文|余下全文|"
    r"[(（【\[]?点击(?:查看)?(?:大图|图片|放大)[)）】\]]?|本文(?:已)?被(?:浏览|阅读)\d+次)\s*"
)

# Page metadata lines: boilerplate in the body, but the header's date is read from them.
META_LINE = re.compile(
    r"^(?:[【\[(（]?\s*)?(?:发布(?:时间|日期)|发表(?:时间|日期)|时间|日期|来源|文章来源|信息来源|稿件来源|本文来源|"
    r"转自|转载自|文章出处|出处|作者|"
    r"浏览(?:次数|量)?|阅读(?:次数|量)?|点击(?:数|量|率)?|访问(?:次数|量)|字号|字体|责任编辑|编辑|"
    r"审核|审校|核稿|校对|供稿|撰稿|摄影|图片|文/图|文图|通讯员|记者|初审|复审|终审|分享|打印|更新时间|"
    r"页面更新|发布者|发布人|发布机构|信息提供|录入|责编|编审|监制|统筹|策划)\s*(?:[:：]|\s*[|丨｜]\s*)"
)
META_ANYWHERE = re.compile(
    r"(?:发布(?:时间|日期)|来源)\s*[:：].{0,40}(?:来源|作者|浏览|字号|字体|点击|阅读)\s*[:：]|"
    r"字号\s*[:：]?\s*[【\[]?\s*大\s*中\s*小|【\s*打印\s*】|【\s*关闭\s*】|\[\s*打印\s*\]|"
    r"浏览次数\s*[:：]|阅读次数\s*[:：]|点击次数\s*[:：]|"
    # A bare date stamp, perhaps with a time and the source: "2024-02-08 09:25:16  来源：工人日报".
    r"^(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*"
    r"(?:(?:来源|作者|编辑|责任编辑|浏览|字号|星期.)\s*[:：]?|$)"
)

# Lines that are page furniture wherever they stand.
JUNK_LINE = re.compile(
    r"^(?:退出长者模式|长者模式|关怀模式|无障碍(?:阅读|浏览)?|English|繁体|简体|繁體|简体中文|繁體中文|"
    r"展开阅读全文|点击展开全文|阅读全文|Top|TOP|返回顶部|回到顶部|返回首页|返回列表|打印本页|打印|关闭窗口|关闭|收藏|点赞|在看|分享|"
    r"上滑加载更多.*|加载更多.*|查看更多.*|更多[:：>]?|推荐阅读[:：]?|相关阅读[:：]?|扩展阅读.*|相关推荐[:：]?|"
    r"猜你喜欢[:：]?|热门推荐[:：]?|热点推荐[:：]?|精彩推荐[:：]?|友情链接[:：]?.*|相关链接[:：]?.*|"
    r"微信|微博|QQ空间|QQ好友|朋友圈|抖音|今日头条|扫一扫.*|微信扫一扫.*|扫描二维码.*|手机扫码.*|"
    r"分享到[:：]?.*|分享至[:：]?.*|标签[:：].*|关键词[:：].*|原标题[:：].*|"
    r"【?我要纠错】?|【?纠错】?|网友评论.*|发表评论.*|评论|登录|注册|举报/?反馈|返回搜狐.*|打开.{0,10}APP.*|"
    r"视频加载中.*|点击图片查看大图|附件下载.*|相关附件.*|(?:【[^】]{1,8}】\s*){1,4}|"
    r"上一篇[:：]?.*|下一篇[:：]?.*|上一条[:：]?.*|下一条[:：]?.*|上一页.*|下一页.*|"
    r"(?:\d+\s+){2,}\d+|[\d\s]+|[-—_=*·•|>»]+|"
    r"[\w\s]{0,20}(?:http|https)://\S+|(?:https?://|www\.)\S+)$",
    re.IGNORECASE,
)
JUNK_ANYWHERE = re.compile(
    r"(?:ICP\s*备|ICP证|公网安备|公安备案|网安备|网站标识码|版权所有|[Cc]opy[Rr]ight|COPYRIGHT|©|"
    r"[Aa]ll [Rr]ights [Rr]eserved|ALL RIGHTS RESERVED|[Pp]owered [Bb]y|POWERED BY|"
    r"技术支持\s*[:：]|主办单位\s*[:：]|承办单位\s*[:：]|协办单位\s*[:：]|主办\s*[:：]|承办\s*[:：]|"
    r"维护单位\s*[:：]|网站地图|联系我们|免责声明|推荐使用.{0,20}(?:浏览器|分辨率)|分辨率|网站支持IPV6|"
    r"您现在的位置|您当前的位置|当前位置\s*[:：]|所在位置\s*[:：]|现在位置\s*[:：]|首页\s*[>>»/]|"
    r"欢迎访问|欢迎光临|欢迎您|设为首页|加入收藏|今天是\s*[:：]|"
    r"本站资料|本站所有|本网站所有|本站文章|如有侵权|如有版权问题|转载请注明|违法和不良信息举报|"
    r"小编为大家整理|小编整理|供大家参考|仅供参考学习|下载文档|文档下载|下载本文|本文下载|"
    r"原文链接|阅读原文|点击进入|点击查看|长按识别|关注我们|关注公众号|特别声明|声明[:：]|仅代表作者本人|"
    r"信息发布平台|网易号|搜狐号|百家号|未经授权|转载请|来源于网络|由用户上传|网友上传|用户投稿)"
)
# A footer line ends the body: nothing after it is body text.
FOOTER_START = re.compile(
    r"^(?:展开阅读全文|页面更新|扩展阅读|推荐阅读|相关阅读|相关文章|相关新闻|相关推荐|热门文章|热点新闻|"
    r"最新文章|猜你喜欢|上一篇|下一篇|上一条|下一条|友情链接|分享到|分享至|责任编辑|主办单位|主办[:：]|"
    r"承办单位|版权所有|Copyright|©|网站地图|联系我们|免责声明|关于我们|本站资料|本站所有|打印本页|"
    r"关闭窗口|【打印】|【关闭】|扫一扫|标签[:：]|关键词[:：]|上滑加载更多|特别声明|声明[:：]|返回搜狐|"
    r"举报/?反馈|网友评论|发表评论|相关附件|附件下载|附件[:：])",
    re.IGNORECASE,
)
# A short line of nothing but short words split by separators: a menu or breadcrumb.
_NAV_TOKEN_SPLIT = re.compile(r"\s*[|｜>»/·•]\s*|\s{2,}|\s")
SENTENCE_END = re.compile(r"[。！？!?；;…:：”’」』)）]$")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
# Credits printed at the end of a piece: "(通讯员 张三)", "文/李四", "编辑：王五".
CREDIT_LINE = re.compile(
    r"^[(（]?(?:通讯员|记者|作者|文|图|文/图|文图|摄影|撰稿|供稿|编辑|责编|审核|校对|来源)[^。]{0,30}[)）]?$"
)


# Furniture lines are short; a long line is prose even when it names 版权 or 来源 in passing.
FURNITURE_MAX = 200
_INLINE_HINTS = ("全文", "隐藏", "点击", "本文")


_PUNCTUATION = re.compile(r"[。，,；;！？]")
_COMMAS = re.compile(r"[，,、]")


# A line that is only a name in brackets, the way a piece is signed: "(李炜)", "（完）".
BYLINE = re.compile(r"^[(（【\[][^，。,;；:：()（）]{1,12}[)）】\]]$")


def _is_nav(line: str) -> bool:
    if len(line) > 80 or _PUNCTUATION.search(line):
        return False
    tokens = [token for token in _NAV_TOKEN_SPLIT.split(line) if token]
    return len(tokens) >= 4 and max(len(token) for token in tokens) <= 8


def is_boilerplate(line: str) -> bool:
    """Page furniture that never belongs in the body."""
    if len(line) > FURNITURE_MAX:
        return False
    if len(line) > 60 and is_sentence(line):
        # Prose that names 版权 or 来源 in passing; only a record number or copyright sign is furniture.
        return bool(_STRONG_FOOTER.search(line))
    return bool(
        JUNK_LINE.match(line)
        or is_meta(line)
        or JUNK_ANYWHERE.search(line)
        or META_ANYWHERE.search(line)
        or _is_nav(line)
    )


def is_meta(line: str) -> bool:
    """A page metadata line (发布时间/来源/作者/浏览次数 …); not an interview's "记者：请问…？"."""
    if len(line) > FURNITURE_MAX:
        return False
    if META_ANYWHERE.search(line):
        return True
    label = META_LINE.match(line)
    if not label:
        return False
    rest = line[label.end() :].strip()
    return not (len(rest) >= 12 and re.search(r"[。！？?]$", rest))


_DATE_ONLY = re.compile(
    r"^[(（]?\s*(?:(?:19|20)\d\d|二[〇○零一二三四五六七八九]{3})\s*[年./-]\s*[\d一二三四五六七八九十〇○]{1,2}\s*[月./-]"
    r"\s*[\d一二三四五六七八九十〇○]{1,3}\s*[日号]?\s*[)）]?$"
)


def is_date_only(line: str) -> bool:
    return bool(_DATE_ONLY.match(line))


def is_sentence(line: str) -> bool:
    """A line of prose: ends like a sentence, or is long and has commas."""
    if not _HAS_CJK.search(line) or is_date_only(line):
        return False
    if SENTENCE_END.search(line) and len(line) >= 4:
        return True
    return len(line) >= 40 and bool(_COMMAS.search(line))


def remove_inline_junk(line: str) -> str:
    if not any(hint in line for hint in _INLINE_HINTS):
        return line
    return INLINE_JUNK.sub("", line)


@dataclass
class Cleaned:
    header: list[str] = field(default_factory=list)  # text lines before the body (title, subtitles)
    meta: list[str] = field(default_factory=list)  # page metadata lines (发布日期, 来源 …) anywhere
    body_lines: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    trailer: list[str] = field(default_factory=list)  # short lines after the last sentence (signature, date)
    title_hint: str | None = None  # the header line right above the page's metadata line: its headline

    @property
    def body(self) -> str:
        return "\n".join(self.body_lines)


def clean(text: str) -> Cleaned:
    """Split a document's text into header, body and the rest."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    text = text.replace("\u200b", "").replace("\ufeff", "")
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    result = Cleaned()
    start = None
    for index, line in enumerate(lines):
        if is_meta(line):
            if result.title_hint is None:
                headlines = [item for item in result.header if not item.startswith(("—", "-"))]
                result.title_hint = headlines[-1] if headlines else None
            result.meta.append(line)
            continue
        if is_boilerplate(line):
            continue
        line = remove_inline_junk(line)
        if is_sentence(line) and not (not result.header and _looks_like_title(line, lines[index + 1 :])):
            start = index
            break
        result.header.append(line)
    if start is None:
        # No sentence at all: everything that is not furniture is the body.
        result.body_lines = [remove_inline_junk(line) for line in result.header]
        result.header = result.body_lines[:1] if len(result.body_lines) > 1 else []
        result.body_lines = result.body_lines[len(result.header) :]
        return result
    body: list[str] = []
    for index in range(start, len(lines)):
        line = lines[index]
        if FOOTER_START.match(line) or (body and len(line) <= FURNITURE_MAX and _footerish(line)):
            result.footer = lines[index:]
            break
        if is_meta(line):
            result.meta.append(line)
            continue
        if is_boilerplate(line):
            continue
        line = remove_inline_junk(line)
        if line:
            body.append(line)
    # The body ends with its last sentence: credits and stray short lines after it go.
    while body and (
        not is_sentence(body[-1])
        or (CREDIT_LINE.match(body[-1]) and not body[-1].endswith("。"))
        or BYLINE.match(body[-1])
    ):
        result.trailer.insert(0, body.pop())
    result.body_lines = body
    return result


_STRONG_FOOTER = re.compile(
    r"ICP\s*备|ICP证|公网安备|公安备案|[Cc]opy[Rr]ight|COPYRIGHT|©|[Aa]ll [Rr]ights [Rr]eserved|ALL RIGHTS RESERVED"
)
_FOOTER_ANYWHERE = re.compile(
    r"ICP\s*备|ICP证|公网安备|公安备案|版权所有|[Cc]opy[Rr]ight|COPYRIGHT|©|[Aa]ll [Rr]ights [Rr]eserved|"
    r"主办单位\s*[:：]|承办单位\s*[:：]|网站地图|本站资料|如有侵权|技术支持\s*[:：]|网站标识码"
)


def _looks_like_title(line: str, rest: list[str]) -> bool:
    """A first line that ends in ！ or ？ but is a headline: short, and prose or page metadata follows."""
    if not 8 <= len(line) <= 40 or not re.search(r"[！？!?]$", line) or "。" in line:
        return False
    if re.search(r"同志们|各位|朋友们|代表们|大家好", line):
        return False
    following = [item for item in rest[:3] if item]
    return bool(following) and (is_meta(following[0]) or is_sentence(following[0]))


def _footerish(line: str) -> bool:
    """A site footer line (ICP record, copyright, 主办单位：…) in the middle of the page's end."""
    if len(line) > 30 and line.endswith("。") and "版权" not in line and "ICP" not in line:
        return False  # a sentence of the article
    return bool(_FOOTER_ANYWHERE.search(line))


def clean_title(title: str) -> str:
    """A page title without the hosting site's suffix ("…_花田文秘网", "… - 中工网")."""
    title = re.sub(r"\s*(?:[_|｜]|\s-\s|—\s).{0,20}(?:网|网站|频道|门户|在线|首页)$", "", title).strip()
    return title
