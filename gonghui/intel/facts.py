"""Figures that map to catalog indicators, with kind, flags and evidence (conventions 1–8).

Data-driven: every phrase of the catalog (plus the wording variants in ``lexicon.py``) is
found in one pass; every figure with a measure word (人, 名, 个, 家, 户, 元, 件, 期 …) is found
in another. A figure takes the indicator of the nearest phrase in its clause whose unit fits its
measure word. A small grammar then reads how the figure is stated:

- kind: plan words before it in its sentence (将, 计划, 预计, 拟, 目标, 力争 …) or a
  民生实事 task make it a target;
- cumulative: running-total words (截至, 累计, 共有, 总数, 已达, 目前 …);
- component: a figure after "其中" that follows a total;
- not facts: per-person standards, percentages, thresholds, ordinals, slogans, dates, money
  recovered or spent on facilities, premiums, awards to existing stations.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from gonghui.intel import lexicon
from gonghui.intel.catalog import load_catalog
from gonghui.intel.numbers import (
    APPROX_AFTER,
    APPROX_BEFORE,
    APPROX_UP,
    NUMBER,
    as_number,
    ascii_digits,
    is_round_word,
    parse_number,
)
from gonghui.intel.trie import trie_pattern

# Measure words, longest first; each fits the catalog units listed.
MEASURES = {
    "人次": ("人次", "人"),
    "人": ("人",),
    "名": ("人",),
    "位": ("人",),
    "户": ("户", "人"),
    "个": ("个", "家", "份", "项", "期"),
    "家": ("个", "家"),
    "所": ("个", "家"),
    "座": ("个",),
    "处": ("个",),
    "间": ("个",),
    "元": ("元",),
    "件": ("件",),
    "起": ("件",),
    "宗": ("件",),
    "例": ("件",),
    "份": ("份",),
    "场": ("场", "期"),
    "次": ("场", "期"),
    "项": ("项", "场"),
    "期": ("期",),
    "班": ("期",),
}
FIGURE = re.compile(NUMBER.pattern + r"(?P<cls>人次|" + "|".join(m for m in MEASURES if m != "人次") + r")")
# A colon before a figure labels it ("新建工会驿站：20个"): no break there.
_NOT_LABEL = r"(?![\d一二两三四五六七八九十百千万])"
# A comma between digits groups thousands ("1,500人"): no break there either.
_COMMA = r"(?:(?<!\d),|,(?!\d{3}))"
CLAUSE_BREAK = re.compile(rf"[，、；;。！？!?\n]|{_COMMA}|[：:]{_NOT_LABEL}|”(?=“)")
# Without 、: an enumeration ("慰问困难职工、劳模等1.5万人") stays one stretch.
WIDE_CLAUSE_BREAK = re.compile(rf"[，；;。！？!?\n]|{_COMMA}|[：:]{_NOT_LABEL}")
# The same breaks, found backwards: the last one before a position (greedy match up to it).
CLAUSE_BACK = re.compile(rf"(?s).*(?:[，、；;。！？!?\n]|{_COMMA}|[：:]{_NOT_LABEL}|”(?=“))")
WIDE_BACK = re.compile(rf"(?s).*(?:[，；;。！？!?\n]|{_COMMA}|[：:]{_NOT_LABEL})")
SENTENCE_BACK = re.compile(r"(?s).*[。！？!?；;\n]")
SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]")
MAX_GAP = 16

TARGET_WORDS = re.compile(
    r"将(?!近|军|士|领|帅|[\d一二两三四五六七八九十百千全其这该所各此])|下达|分解|任务(?:数|为|是)|计划(?!生育)|预计|拟|目标(?:是|为|[:：])|年度目标|力争|确保|规划|承诺|明年|下一步|下半年|今后|年底前|"
    r"到20\d\d年|实事|(?<![主重需只想必纪不首紧简])要(?![求点素闻害职员])"
)
# After the figure, only a livelihood project (民生实事) makes a task of it: "…两项实事都已超额完成".
TASK_WORDS = re.compile(r"实事")
# Per-person standards anywhere in the clause before the figure: "每人发放慰问金1000元".
PER_UNIT_CLAUSE = re.compile(r"每(?:人|户|名|位|个|家|所|县|区|镇|乡|街道|村|社区|企业|单位)|人均|户均|标准")
CUMULATIVE_WORDS = re.compile(
    r"截至|截止|累计|共有|总数|总量|已达|目前|现有|已有|至今|迄今|全(?:市|省|区|县|国|镇)(?:共|已)?有(?!力|效|序)"
)
COMPONENT_WORD = re.compile(r"其中")

# Figures that are never facts (convention 4), read from the words around them.
PER_UNIT_BEFORE = re.compile(
    r"(?:每(?:人|户|名|位|个|家|月|年|次|场|期|天|日)?|人均|户均|标准为?|不低于|最高|最低)\s*$"
)
PER_UNIT_AFTER = re.compile(r"^\s*(?:/|／|每)(?:人|户|名|月|年|次)")
THRESHOLD_AFTER = re.compile(
    r"^(?:以上|以下)(?:的)?(?:企业|单位|规模|非公|职工的|会员的|、|[0-9一二三四五六七八九十百千])|^以下"
)
THRESHOLD_BEFORE = re.compile(r"(?:以上|以下|不足|不满|超过)$")
ORDINAL_BEFORE = re.compile(r"(?:第|首|前|初|届|年|月|号|No\.?|[A-Za-z+＋\-—~～/.·])$")
# "三次全委会议", "二次执委会": the session of a meeting, not a count.
SESSION_AFTER = re.compile(r"^(?:全委|执委|全会|会议|常委|代表大会|党代会|职代会)")
SLOGAN_AFTER = re.compile(r"^[+＋]")
# "数百名", "几千人", "成千上万": no figure is stated.
VAGUE_BEFORE = re.compile(r"(?:数|几|若干)$")
# "一户一策", "一人一档", "三位一体": set phrases, not counts.
IDIOM_AFTER = re.compile(r"^一(?!线|批|些|起|道|同|并|律|般|直|定|是|年|次|项|步|系列)[\u4e00-\u9fff]")
# "作为一名劳模", "是一家…": a role, not a count.
ROLE_BEFORE = re.compile(r"(?:作为|是|成为|当好?|做)$")
MONEY_NOT_RELIEF = re.compile(r"追回|挽回|讨回|追讨|清欠|欠薪|讨薪|经济损失|赔偿金|补偿金|工资款|货款")
MONEY_FACILITIES = re.compile(r"建设|改造|修缮|装修|购置|新建|提升|阵地|设施|场所|打造|配备")
MONEY_RELIEF_CONTEXT = re.compile(r"慰问|帮扶|救助|送温暖|助学|清凉|困难|物资|慰问品|补助|救济|关爱")
MUTUAL_CONTEXT = re.compile(r"互助")
MUTUAL_PAYOUT_PEOPLE = re.compile(r"赔付|理赔|给付|受益|救助")
DUES_COLLECTED = re.compile(r"收缴|征缴|拨缴|上缴|上解|收入|缴纳|回拨|返还|代收|税务代征|征收")
MUTUAL_PAID = re.compile(r"赔付|理赔|给付|救助金|补助金|受益|发放")
MUTUAL_PREMIUM = re.compile(r"缴纳|收缴|筹集|保费|会费|缴费|参保费|互助费|募集")
AWARD_WORDS = re.compile(r"荣获|获评|评为|获得|命名|授予|认定|星级(?:评定|评定为)|挂牌|授牌|表彰")


@dataclass
class Phrase:
    start: int
    end: int
    text: str
    keys: tuple[str, ...]
    weak: bool


@cache
def _phrase_table() -> tuple[dict[str, tuple[str, ...]], re.Pattern, frozenset]:
    catalog = load_catalog()
    table: dict[str, list[str]] = {}
    for key, entry in catalog.items():
        for phrase in [*entry["phrases"], *lexicon.EXTRA_PHRASES.get(key, ())]:
            if phrase in lexicon.NOT_PHRASES.get(key, ()):
                continue
            table.setdefault(phrase, [])
            if key not in table[phrase]:
                table[phrase].append(key)
    frozen = {phrase: tuple(keys) for phrase, keys in table.items()}
    return frozen, re.compile(trie_pattern(frozen)), frozenset(lexicon.WEAK_PHRASES)


@cache
def _units() -> dict[str, str]:
    return {key: entry["unit"] for key, entry in load_catalog().items()}


def _find_phrases(text: str, spans: list[tuple[int, int]]) -> list[Phrase]:
    table, pattern, weak = _phrase_table()
    found = []
    for start, end in spans:
        for m in pattern.finditer(text, start, end):
            word = m.group(0)
            found.append(Phrase(m.start(), m.end(), word, table[word], word in weak))
    return found


def _bounds(back: re.Pattern, forward: re.Pattern, scan: str, position: int, window: int) -> tuple[int, int]:
    """(start, end) of the clause or sentence around a position: from the last break before it
    (within ``window`` characters) to the end of the next break after it."""
    low = max(0, position - window)
    # endpos one past the position: a lookahead at the break may see the figure itself.
    match = back.match(scan, low, position + 1)
    start = match.end() if match else low
    following = forward.search(scan, position)
    return start, following.end() if following else len(scan)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _strip_titles(text: str) -> str:
    """Book titles 《…》 keep their length but lose their words (plans named in titles are not plans)."""
    if "《" not in text:
        return text
    return re.sub(r"《[^》]{0,80}》", lambda m: "《" + "　" * (len(m.group(0)) - 2) + "》", text)


# Numbered headings by level: 第一部分 (0), 一、(1), （一）(2), 1. (3).
_HEADINGS = (
    re.compile(r"^第[一二三四五六七八九十]+(?:部分|章|篇)"),
    re.compile(r"^[一二三四五六七八九十]+[、.．]"),
    re.compile(r"^[(（][一二三四五六七八九十]+[)）]"),
    re.compile(r"^\d+[.、．](?!\d)"),
)
_PLAN_HEADING = re.compile(
    r"(?:下半年|明年|下一步|今后|20\d\d年|新的一年|来年|今年|本年度).{0,12}(?:工作|安排|打算|计划|思路|任务|重点|目标)"
    r"|工作(?:安排|打算|计划|思路|目标)|重点工作|主要任务|目标任务"
)
_REVIEW_HEADING = re.compile(r"回顾|成绩|成效|完成情况|总结|进展|主要做法|工作开展")


_HEADING_HINT = re.compile(
    r"(?:^|\n)(?:第[一二三四五六七八九十]+|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|\d+[.、．])"
)


def _heading_level(line: str) -> int | None:
    if len(line) > 40:
        # A long numbered line is an item, not a heading ("（一）新建基层工会30家…" still counts below).
        return None
    for level, pattern in enumerate(_HEADINGS):
        if pattern.match(line):
            return level
    return None


def _target_sections(body: str) -> list[tuple[int, int]]:
    """Spans of sections headed as next-period arrangements ("二、2024年工作计划")."""
    spans = []
    offset, current, current_level = 0, None, 0
    for line in body.split("\n"):
        level = _heading_level(line)
        if level is not None and current is not None and level <= current_level:
            spans.append((current, offset))
            current = None
        if level is not None and current is None and _PLAN_HEADING.search(line) and not _REVIEW_HEADING.search(line):
            current, current_level = offset, level
        offset += len(line) + 1
    if current is not None:
        spans.append((current, len(body)))
    return spans


def extract_facts(body: str) -> list[dict]:
    scan = _strip_titles(ascii_digits(body))
    units = _units()
    figures = _figures(scan)
    figure_starts = [m.start() for m in figures]
    # Phrases matter only near figures: scan the wide clauses around them, not the whole text.
    wides = [_bounds(WIDE_BACK, WIDE_CLAUSE_BREAK, scan, m.start(), 200) for m in figures]
    phrases = _find_phrases(scan, _merge(wides))
    phrase_starts = [phrase.start for phrase in phrases]
    plan_sections = _target_sections(scan) if _HEADING_HINT.search(scan) else []
    facts: list[dict] = []
    last_in_sentence: dict[tuple[int, int], dict] = {}
    previous_sentence_fact: dict | None = None
    previous_sentence: tuple[int, int] | None = None
    for index, match in enumerate(figures):
        start, end = match.start(), match.end()
        wide = wides[index]
        measure = match.group("cls")
        num_text = match.group("num")
        value = parse_number(num_text, match.group("big"))
        if value is None or value <= 0:
            continue
        before = scan[max(0, start - 6) : start]
        after = scan[end : end + 8]
        if _not_a_figure(scan, start, end, before, after, match):
            continue
        clause = _bounds(CLAUSE_BACK, CLAUSE_BREAK, scan, start, 200)
        sentence = _bounds(SENTENCE_BACK, SENTENCE_BREAK, scan, start, 600)
        if previous_sentence != sentence:
            # The sentence just before this one, if it stated a figure ("…637户。其中…").
            adjacent = previous_sentence is not None and not scan[previous_sentence[1] : sentence[0]].strip()
            previous_sentence_fact = last_in_sentence.get(previous_sentence) if adjacent else None
            previous_sentence = sentence
        prefix = scan[sentence[0] : start]
        sentence_text = scan[sentence[0] : sentence[1]]
        low = bisect_left(phrase_starts, clause[0])
        high = bisect_left(phrase_starts, clause[1])
        candidates = _candidates(phrases[low:high], clause, start, end, measure, units, figure_starts)
        component = False
        total = None
        markers = list(COMPONENT_WORD.finditer(prefix))
        marker = markers[-1] if markers else None
        if marker is not None:
            at = sentence[0] + marker.start()
            # The total is the last figure before 其中 in the sentence counted in the same unit.
            earlier = [
                fact
                for fact in facts
                if sentence[0] <= fact["start"]
                and fact["end"] <= at
                and not fact["component"]
                and measure_fits(measure, fact["unit"])
            ]
            if earlier:
                total = earlier[-1]
            elif (
                not prefix[: marker.start()].strip()
                and previous_sentence_fact is not None
                and measure_fits(measure, previous_sentence_fact["unit"])
            ):
                total = previous_sentence_fact
            component = total is not None
        key, phrase = _choose(candidates)
        if (phrase is None or phrase.weak) and wide != clause:
            # A bare noun (劳模) or nothing: an enumeration's head verb may stand before the 、.
            # With nothing at all, the noun may follow the enumeration ("3200名快递员、外卖员加入工会").
            low = bisect_left(phrase_starts, wide[0])
            high = bisect_left(phrase_starts, wide[1])
            wider = _candidates(phrases[low:high], wide, start, end, measure, units, figure_starts)
            wider = [c for c in wider if not c[1] and (c[2] == 0 or phrase is None)]
            if wider:
                key, phrase = _choose(wider)
        if PER_UNIT_CLAUSE.search(scan[wide[0] : start]):
            continue
        if key is None and component and total is not None and measure_fits(measure, units[total["indicator"]]):
            key, phrase = total["indicator"], None
        if key is None and not component:
            # "新建工会驿站45个，累计建成312个": a short clause that repeats the verb keeps the noun.
            key = _elided(facts, sentence, clause, scan, start, measure, units)
        key = _context(key, measure, sentence_text, scan[clause[0] : clause[1]], units, phrase)
        if key is None:
            continue
        if key == "stations_built" and AWARD_WORDS.search(scan[clause[0] : clause[1]]):
            continue
        unit = units[key]
        if unit == "元" and measure != "元":
            continue
        approx = bool(
            match.group("mid")
            or match.group("post")
            or APPROX_BEFORE.search(scan[max(0, start - 4) : start])
            or (num_text[:1] in "百千万" and APPROX_UP.search(scan[max(0, start - 2) : start]))
            or APPROX_AFTER.match(after)
            or is_round_word(num_text)
        )
        evidence_start = min(start, phrase.start) if phrase else start
        evidence_end = max(end, phrase.end) if phrase else end
        if APPROX_AFTER.match(after):
            evidence_end = max(evidence_end, end + len(APPROX_AFTER.match(after).group(0)))
        kind = (
            "target"
            if _is_target(scan[sentence[0] : start + 1], scan, sentence, start, end, plan_sections)
            else "actual"
        )
        if key == "reform_tasks_done" and "完成" not in scan[evidence_start:evidence_end]:
            kind = "target"
        fact = {
            "indicator": key,
            "value": as_number(value),
            "unit": unit,
            "approx": approx,
            "kind": kind,
            "cumulative": _is_cumulative(prefix) or (component and bool(total and total["cumulative"])),
            "component": component,
            "evidence": body[evidence_start:evidence_end],
            "start": evidence_start,
            "end": evidence_end,
        }
        if not component:
            last_in_sentence[sentence] = fact
        facts.append(fact)
    return _dedupe(facts)


# A numeral run that a measure word, 余/多, a decimal point or a separator follows: the places
# where a figure may start (the lookahead keeps the scan in C; most runs are 一是, 二十大 …).
_AFTER_NUMERAL = "".join(sorted({m[0] for m in MEASURES} | set("余多.,")))
_NUMERAL_RUN = re.compile(
    r"(?<![\d零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟])"
    r"[\d零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]+"
    rf"(?=[{re.escape(_AFTER_NUMERAL)}])"
)


def _figures(scan: str) -> list[re.Match]:
    """Every figure followed by a measure word (numeral runs first: a quick character-class scan)."""
    found = []
    last_end = 0
    for run in _NUMERAL_RUN.finditer(scan):
        position = run.start()
        if position < last_end:
            continue
        match = FIGURE.match(scan, position)
        if match:
            found.append(match)
            last_end = match.end()
    return found


def measure_fits(measure: str, unit: str) -> bool:
    return unit in MEASURES.get(measure, ())


_LETTER = re.compile(r"[A-Za-z]")
_NEW_EMPLOYMENT = re.compile(lexicon.NEW_EMPLOYMENT_WORKERS)


def _not_a_figure(scan: str, start: int, end: int, before: str, after: str, match: re.Match) -> bool:
    if ORDINAL_BEFORE.search(before) or SLOGAN_AFTER.match(after) or SESSION_AFTER.match(after):
        return True
    if start > 0 and (scan[start - 1].isdigit() or scan[start - 1] in ".%"):
        return True
    if PER_UNIT_BEFORE.search(before) or PER_UNIT_AFTER.match(after):
        return True
    if THRESHOLD_AFTER.match(after) or THRESHOLD_BEFORE.search(before):
        return True
    if after[:1] in "%％" or after.startswith(("个百分点", "成")):
        return True
    if VAGUE_BEFORE.search(before) or IDIOM_AFTER.match(after):
        return True
    if match.group("num") == "一" and ROLE_BEFORE.search(before):
        return True
    # Quoted programme names ("7510", "1+11+N") have no measure word; a figure glued to letters is a code.
    return bool(_LETTER.match(after[:1]))


def _candidates(phrases, clause, start, end, measure, units, figure_starts) -> list[tuple[int, bool, int, Phrase, str]]:
    """Phrases in the figure's clause, near it, whose unit fits its measure word.

    A phrase after the figure belongs to it only when no other figure stands between them
    ("5个方面25项改革任务": the tasks are 25).
    """
    found = []
    for phrase in phrases:
        if phrase.end <= start and phrase.start >= clause[0]:
            gap = start - phrase.end
            side = 0
        elif phrase.start >= end and phrase.end <= clause[1]:
            index = bisect_left(figure_starts, end)
            if index < len(figure_starts) and figure_starts[index] < phrase.start:
                continue
            gap = phrase.start - end
            side = 1
        else:
            continue
        if gap > MAX_GAP:
            continue
        for key in phrase.keys:
            if measure_fits(measure, units[key]):
                found.append((gap, phrase.weak, side, phrase, key))
    return found


def _choose(candidates) -> tuple[str | None, Phrase | None]:
    if not candidates:
        return None, None
    strong = [c for c in candidates if not c[1]] or candidates
    # Nearest phrase; on a tie the one before the figure; then the longer phrase.
    _, _, _, phrase, key = min(strong, key=lambda c: (c[0], c[2], -len(c[3].text)))
    return key, phrase


ELIDED_VERB = re.compile(r"^(?:[\u4e00-\u9fff]{0,4}?)(?:新建|新增|建成|累计(?:建成|达到)?|共计|发展|达到|总数达?)")


def _elided(facts, sentence, clause, scan, start, measure, units) -> str | None:
    """The indicator of the previous figure in the sentence, for a short clause with no noun of its own."""
    if not facts or start - clause[0] > 10:
        return None
    previous = facts[-1]
    if previous["start"] < sentence[0] or not measure_fits(measure, units[previous["indicator"]]):
        return None
    if not ELIDED_VERB.match(scan[clause[0] : start]):
        return None
    return previous["indicator"]


def _context(
    key: str | None, measure: str, sentence: str, clause: str, units: dict[str, str], phrase: Phrase | None = None
) -> str | None:
    """Sentence-level readings that override or drop a mapping (conventions 5–7)."""
    money = measure == "元"
    if money:
        if MONEY_NOT_RELIEF.search(clause):
            return None
        if key == "dues_collected" and not DUES_COLLECTED.search(clause):
            # 工会经费 spent, not collected: relief money when it goes to workers, else nothing.
            return "relief_amount" if MONEY_RELIEF_CONTEXT.search(clause) else None
        if key == "relief_amount" and phrase is not None and phrase.weak and not MONEY_RELIEF_CONTEXT.search(sentence):
            return None
        if MUTUAL_CONTEXT.search(sentence) and key in (None, "relief_amount", "mutual_aid_paid"):
            if MUTUAL_PREMIUM.search(clause):
                return None
            if MUTUAL_PAID.search(sentence):
                return "mutual_aid_paid"
            return None if key is None else key
        if key == "relief_amount" or key is None:
            if MONEY_FACILITIES.search(clause) and not MONEY_RELIEF_CONTEXT.search(clause):
                return None
            if (
                key is None
                and MONEY_RELIEF_CONTEXT.search(clause)
                and re.search(r"发放|送去|送出|慰问|资助|筹集|投入|价值|折合", clause)
            ):
                return "relief_amount"
        return key
    if key is None:
        return None
    if units[key] == "人":
        if key in ("members_recruited",) and _NEW_EMPLOYMENT.search(clause):
            return "new_employment_members"
        if key == "members_recruited" and re.search(r"互助|参保|参互", clause):
            return "mutual_aid_enrolled"
        if key == "members_total" and phrase is not None and phrase.text == "会员":
            # A bare 会员 count is the membership, unless the clause says they are new.
            if _NEW_EMPLOYMENT.search(clause):
                return "new_employment_members"
            if re.search(r"发展|新增|吸纳|吸收|入会|新会员|新建", clause):
                return "members_recruited"
        if key == "mutual_aid_enrolled" and MUTUAL_PAYOUT_PEOPLE.search(clause):
            # People paid out under the scheme are not people enrolled in it.
            return None
        if key == "relief_beneficiaries":
            if re.search(r"夏送清凉|送清凉|高温", sentence):
                return "summer_cooling_beneficiaries"
            if re.search(r"金秋助学|助学", sentence):
                return "student_aid_beneficiaries"
    return key


PERIOD_WORDS = re.compile(r"[，,；;](?:[^，,；;]*?)(?:今年|本年|当年|年内|上半年|下半年|全年|本季度|季度内|本月)")


def _is_cumulative(prefix: str) -> bool:
    """A running-total word before the figure, not overridden by a period word after it."""
    markers = list(CUMULATIVE_WORDS.finditer(prefix))
    if not markers:
        return False
    return not PERIOD_WORDS.search(prefix, markers[-1].end())


# Words of something done; after a plan word they turn the rest of the sentence back to actuals
# ("计划新建驿站50个，目前已建成30个"; "为确保实效，共慰问困难职工500人").
ACTUAL_WORDS = re.compile(
    r"已(?!经?(?:列入|纳入|部署|启动))|共(?!同|建|享|产党|青团)|累计|截至|截止|先后|(?<![为除])了(?!解)"
)


def _is_target(prefix: str, scan: str, sentence: tuple[int, int], start: int, end: int, sections) -> bool:
    if any(a <= start < b for a, b in sections):
        return True
    plans = list(TARGET_WORDS.finditer(prefix))
    if plans and not ACTUAL_WORDS.search(prefix, plans[-1].end()):
        return True
    rest = scan[end : sentence[1]]
    return bool(TASK_WORDS.search(rest))


def _dedupe(facts: list[dict]) -> list[dict]:
    seen = set()
    result = []
    for fact in facts:
        key = (fact["indicator"], fact["value"], fact["kind"], fact["component"])
        if key in seen:
            continue
        seen.add(key)
        result.append(fact)
    return result
