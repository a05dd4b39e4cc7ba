"""Roster import (会员花名册导入) into one union, on top of the generic pipeline.

    report = import_members(user=user, org=union, file="花名册.xlsx", mode="valid-only")
    report.as_dict()      # {"total_rows", "imported", "updated", "skipped", "rejected", "errors": [...]}

Each row ends as:

* imported — a new person: a member row with a card number and a JOIN event;
* updated — the person is already an active member of this union and a non-empty cell differs
  (empty cells never clear a stored value);
* skipped — identical to what is stored (so re-importing a file changes nothing);
* rejected — with the row, the column and a Chinese message (invalid cell, repeated in the file,
  active in another union — named when the user may see it —, registered as deceased, or a
  former member of this union, who needs 重新入会 on the member page).

The fast path seals ID numbers and phones in Python and inserts a whole batch at once,
with card numbers allocated per batch. On PostgreSQL: ids drawn from the sequence, COPY in
text format built here, JOIN events derived from the new rows by INSERT … SELECT, foreign
keys checked as rows arrive; in "valid-only" mode outside a transaction, a writer thread
with its own connection COPYs and commits each batch while the next one is read and
validated (outcomes reach the report one batch later, in order). Files of
PARALLEL_MIN_ROWS rows or more are read and validated in a forked worker process (see
``gonghui.utilities.importing``), so parsing, sealing and the server's indexing use both
cores. The key columns (blind indexes, card number) compare in byte order on PostgreSQL
(migration 0005). On SQLite: bulk_create
for members and events. Bulk writes send no signals,
so imported rows are not written to the change log one by one. The partial unique index
(one active membership per person) is the final guard: when a batch hits it (a concurrent
import registered the same person meanwhile), the batch is retried row by row in
savepoints and the losing rows are rejected.

Modes: "valid-only" commits batch by batch; "all-or-nothing" runs in one transaction and
writes nothing when any row is rejected (the report says so).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from gonghui.core.querysets import permission_name, permission_scope_q
from gonghui.members.models import (
    ID_NUMBER_CONTEXT,
    MEMBER_UNION_TYPES,
    MIN_JOIN_AGE,
    PHONE_CONTEXT,
    Education,
    EmploymentCategory,
    EventKind,
    Gender,
    Member,
    MembershipEvent,
    MemberStatus,
    NewEmploymentType,
    PoliticalStatus,
    add_years,
    ethnicity_code,
    seal_phone,
)
from gonghui.members.services import ACTIVE_ELSEWHERE, PERSON_FIELDS, allocate_card_numbers
from gonghui.orgs.models import Employer, Organization, OrgStatus
from gonghui.utilities.idnumber import parse_id_number
from gonghui.utilities.importing import (
    CellError,
    Column,
    ImportAborted,
    ImportPipeline,
    ImportReport,
    ImportRow,
)
from gonghui.utilities.pii import encryptor, indexer, mask_id_number, mask_phone
from gonghui.utilities.validators import validate_mobile

MODES = ("valid-only", "all-or-nothing")
IMPORT_NOTE = "花名册导入"
BATCH_SIZE = 5000
FULL_REPORT_ROWS = 100_000  # larger files get a report of the rejected rows only (keep_rows="auto")
COPY_SLICE = 500  # rows per COPY write: the server works on one slice while the next is sealed
SQLITE_IN_LIMIT = 900

ID_LABEL = "身份证号码"

EDUCATION_ALIASES = {
    "博士": Education.DOCTOR,
    "研究生": Education.MASTER,
    "硕士": Education.MASTER,
    "本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "大专": Education.JUNIOR_COLLEGE,
    "专科": Education.JUNIOR_COLLEGE,
    "中专": Education.SECONDARY_VOCATIONAL,
    "中技": Education.SECONDARY_VOCATIONAL,
    "技校": Education.SECONDARY_VOCATIONAL,
    "职高": Education.SECONDARY_VOCATIONAL,
    "高中": Education.HIGH_SCHOOL,
    "初中": Education.JUNIOR_HIGH,
    "小学": Education.PRIMARY,
    "小学及以下": Education.PRIMARY,
}
POLITICAL_ALIASES = {
    "党员": PoliticalStatus.CPC,
    "中共预备党员": PoliticalStatus.CPC,
    "预备党员": PoliticalStatus.CPC,
    "团员": PoliticalStatus.CYL,
    "民主党派人士": PoliticalStatus.DEMOCRATIC,
    "无党派人士": PoliticalStatus.OTHER,
}
CATEGORY_ALIASES = {
    "在职职工": EmploymentCategory.EMPLOYEE,
    "新就业形态劳动者": EmploymentCategory.NEW_EMPLOYMENT,
    # rosters often write the new-employment type straight into the category column
    **{
        label: f"{EmploymentCategory.NEW_EMPLOYMENT}/{value}"
        for value, label in NewEmploymentType.choices
        if value != NewEmploymentType.OTHER
    },
}
NEW_TYPE_ALIASES = {
    "外卖员": NewEmploymentType.DELIVERY_RIDER,
    "外卖骑手": NewEmploymentType.DELIVERY_RIDER,
    "骑手": NewEmploymentType.DELIVERY_RIDER,
    "快递小哥": NewEmploymentType.COURIER,
    "网约车驾驶员": NewEmploymentType.RIDE_HAILING_DRIVER,
    "货车驾驶员": NewEmploymentType.TRUCK_DRIVER,
    "主播": NewEmploymentType.LIVE_STREAMER,
}


def _choice_parser(choices, aliases: dict[str, str], label: str) -> Callable[[str], str]:
    table = {text: value for value, text in choices}
    table.update({value: value for value, _text in choices})
    table.update(aliases)
    # plain str values, not the enum members: rows cross a process boundary (pickle) in large imports
    table = {text: str(value) for text, value in table.items()}
    allowed = "、".join(text for _value, text in choices)

    def parse(value: str) -> str:
        found = table.get(value.replace(" ", ""))
        if found is None:
            raise CellError(None, f"“{value}”不是可选的{label}，请填写：{allowed}。", "invalid_choice")
        return found

    return parse


_TODAY: list = [None, 0.0]  # (date, monotonic time it expires): date.today() costs as much as a row's checks


def _today() -> datetime.date:
    if time.monotonic() >= _TODAY[1]:
        _TODAY[:] = [datetime.date.today(), time.monotonic() + 10]
    return _TODAY[0]


def _parse_id(value: str) -> tuple[str, datetime.date, str]:
    try:
        info = parse_id_number(value, today=_today())
    except ValidationError as error:
        raise CellError(None, error.messages[0], error.code or "id_invalid") from None
    return info.number, info.birth_date, info.gender


def _parse_phone(value: str) -> str:
    try:
        validate_mobile(value)
    except ValidationError as error:
        raise CellError(None, error.messages[0], "mobile_invalid") from None
    return value


_ETHNICITIES: dict[str, str] = {}


def _parse_ethnicity(value: str) -> str:
    code = _ETHNICITIES.get(value)
    if code is None:
        code = ethnicity_code(value)
        if code is not None and len(_ETHNICITIES) < 1000:
            _ETHNICITIES[value] = code
    if code is None:
        raise CellError(None, f"“{value}”不是规范的民族名称，请填写如“汉族”“回族”。", "invalid_choice")
    return code


COLUMNS = [
    Column("name", "姓名", required=True, kind="name", example="张三"),
    Column(
        "id_number",
        ID_LABEL,
        synonyms=("公民身份号码", "证件号码", "身份证号", "身份证"),
        required=True,
        kind="id_number",
        parse=_parse_id,
        width=22,
        example="320412199005170012",
    ),
    Column("phone", "手机", synonyms=("手机号码", "联系电话", "手机号", "联系方式"), kind="phone", parse=_parse_phone),
    Column("ethnicity", "民族", parse=_parse_ethnicity, example="汉族"),
    Column(
        "education",
        "文化程度",
        synonyms=("学历",),
        parse=_choice_parser(Education.choices, EDUCATION_ALIASES, "文化程度"),
    ),
    Column(
        "political_status",
        "政治面貌",
        parse=_choice_parser(PoliticalStatus.choices, POLITICAL_ALIASES, "政治面貌"),
    ),
    Column(
        "employment_category",
        "用工类别",
        synonyms=("职工类别", "人员类别"),
        parse=_choice_parser(EmploymentCategory.choices, CATEGORY_ALIASES, "用工类别"),
    ),
    Column(
        "new_employment_type",
        "新就业形态类型",
        synonyms=("新就业形态",),
        parse=_choice_parser(NewEmploymentType.choices, NEW_TYPE_ALIASES, "新就业形态类型"),
    ),
    Column("employer_name", "工作单位", synonyms=("用人单位", "单位名称", "所在单位")),
    Column("join_date", "入会日期", synonyms=("入会时间",), required=True, kind="date", example="2023-05-01"),
]

TEMPLATE_CHOICES = {
    "education": [text for _value, text in Education.choices],
    "political_status": [text for _value, text in PoliticalStatus.choices],
    "employment_category": [text for _value, text in EmploymentCategory.choices],
    "new_employment_type": [text for _value, text in NewEmploymentType.choices],
}
TEMPLATE_NOTES = (
    "每人一行；带 * 的列必须填写。",
    "身份证号码请填 18 位，单元格设为“文本”格式，否则 Excel 会把最后几位变成 0。",
    "用工类别为“新就业形态”时须填写新就业形态类型。",
    "已在其他工会登记的在会会员不能直接导入，请办理转会。",
)


def _clean_row(values: dict[str, Any]) -> dict[str, Any]:
    """Cross-column checks: category vs new-employment type; join date vs age and today."""
    category = values.get("employment_category")
    kind = values.get("new_employment_type")
    if category and "/" in category:  # 职工类别 "快递员": category and type in one cell
        category, implied = category.split("/", 1)
        values["employment_category"] = category
        kind = values["new_employment_type"] = kind or implied
    if kind and not category:
        values["employment_category"] = category = EmploymentCategory.NEW_EMPLOYMENT
    if category == EmploymentCategory.NEW_EMPLOYMENT and not kind:
        raise CellError("新就业形态类型", "用工类别为“新就业形态”时，请填写新就业形态类型（快递员、外卖配送员等）。")
    if kind and category != EmploymentCategory.NEW_EMPLOYMENT:
        raise CellError(
            "新就业形态类型", "只有用工类别为“新就业形态”时才填写新就业形态类型，请清空此项或修改用工类别。"
        )
    join = values["join_date"]
    _number, birth, _gender = values["id_number"]
    if join > _today():
        raise CellError("入会日期", "入会日期不能晚于今天，请核对。")
    if join < add_years(birth, MIN_JOIN_AGE):
        raise CellError(
            "入会日期",
            f"入会日期 {join.isoformat()} 时该人员未满 {MIN_JOIN_AGE} 周岁（出生日期取自身份证号码），"
            "请核对入会日期或身份证号码。",
        )
    return values


def member_pipeline(batch_size: int = BATCH_SIZE) -> ImportPipeline:
    return ImportPipeline(
        COLUMNS,
        duplicate_key=lambda values: values["id_number"][0],
        duplicate_column=ID_LABEL,
        duplicate_message="与第 {first_row} 行是同一个身份证号码，同一人只能出现一次，请删除重复的行。",
        clean_row=_clean_row,
        batch_size=batch_size,
    )


def check_import_target(user, org: Organization) -> None:
    """The union must accept members and be in the user's scope for adding members."""
    condition = permission_scope_q(user, Organization, permission_name(Member, "add"))
    if condition is None or not Organization.objects.filter(condition).filter(pk=org.pk).exists():
        raise PermissionDenied("您没有在该工会登记会员的权限，请选择您有权管理的工会。")
    if org.org_type not in MEMBER_UNION_TYPES:
        raise ValidationError(
            f"「{org.name}」是{org.get_org_type_display()}，会员只能导入到基层工会、联合基层工会或网上会员之家。"
        )
    if org.status == OrgStatus.DISSOLVED:
        raise ValidationError(f"「{org.name}」已撤销，不能导入会员，请选择正常状态的工会。")


# ---------------------------------------------------------------------------
# Applying a batch


#: fields an update may change (compared against the stored row)
UPDATABLE = (
    "name",
    "ethnicity",
    "education",
    "political_status",
    "employment_category",
    "new_employment_type",
    "employer_name",
    "join_date",
)


@dataclass
class _Existing:
    pk: int
    org_id: int
    status: str
    org_name: str
    values: dict[str, Any]


class _Applier:
    def __init__(self, *, user, org: Organization) -> None:
        self.user = user
        self.org = org
        self.region = org.region_code
        self.employers = {name: pk for pk, name in Employer.objects.filter(union=org).values_list("pk", "name")}
        self.visible_orgs: dict[int, bool] = {}
        self.id_label = ID_LABEL  # the file's own header text, once the table is open
        self.postgres = connection.vendor == "postgresql"
        # COPY runs on the driver's own cursor, whose errors Django does not wrap
        self.integrity_errors = (IntegrityError, connection.Database.IntegrityError)
        self.writer: ThreadPoolExecutor | None = None  # see import_members

    # lookups -------------------------------------------------------------------------

    def _existing(self, indexes: list[str]) -> dict[str, list[_Existing]]:
        found: dict[str, list[_Existing]] = {}
        fields = ("pk", "org_id", "status", "org__name", "id_number_index", "phone_index", "employer_id", *UPDATABLE)
        if self.postgres:  # one array parameter instead of thousands of placeholders
            chunks = [Member.objects.filter(RawSQL(_ANY_INDEX, [",".join(indexes)], output_field=BooleanField()))]
        else:
            chunks = [
                Member.objects.filter(id_number_index__in=indexes[start : start + SQLITE_IN_LIMIT])
                for start in range(0, len(indexes), SQLITE_IN_LIMIT)
            ]
        for queryset in chunks:
            for row in queryset.values(*fields):
                found.setdefault(row["id_number_index"], []).append(
                    _Existing(row["pk"], row["org_id"], row["status"], row["org__name"], row)
                )
        return found

    def _visible(self, org_id: int) -> bool:
        if org_id not in self.visible_orgs:
            self.visible_orgs[org_id] = Organization.objects.restrict(self.user, "view").filter(pk=org_id).exists()
        return self.visible_orgs[org_id]

    def _conflict(self, rows: list[_Existing]) -> CellError | str | None:
        """A rejection, "mine:<pk>" for the active row in this union, or None for a new person."""
        for row in rows:
            if row.status == MemberStatus.DECEASED:
                return CellError(
                    self.id_label, "该身份证号码对应的人员已登记为已故，不能导入。请核对身份证号码。", "deceased"
                )
        for row in rows:
            if row.org_id == self.org.pk:
                if row.status == MemberStatus.ACTIVE:
                    return f"mine:{row.pk}"
                status = MemberStatus(row.status).label
                return CellError(
                    self.id_label,
                    f"该人员曾在本工会登记（状态：{status}），请在其会员页面办理“重新入会”，不要重复导入。",
                    "former_member",
                )
        for row in rows:
            if row.status == MemberStatus.ACTIVE:
                if self._visible(row.org_id):
                    message = f"已在「{row.org_name}」登记为在会会员，请办理转会。"
                else:
                    message = ACTIVE_ELSEWHERE
                return CellError(self.id_label, message, "active_elsewhere")
        return None

    # the batch -------------------------------------------------------------------------

    def __call__(self, rows: list[ImportRow]) -> list[Any]:
        outcomes: list[Any] = [None] * len(rows)
        index = indexer(context=ID_NUMBER_CONTEXT)
        indexes = [index(row.values["id_number"][0]) for row in rows]
        existing = self._existing(sorted(set(indexes)))
        new: list[int] = []
        for i, (row, index) in enumerate(zip(rows, indexes, strict=True)):
            conflict = self._conflict(existing.get(index, []))
            if conflict is None:
                new.append(i)
            elif isinstance(conflict, CellError):
                outcomes[i] = conflict
            else:
                mine = next(r for r in existing[index] if r.org_id == self.org.pk)
                outcomes[i] = self._update(mine, row.values)
        if not new:
            return outcomes
        self.seal_id = encryptor(context=ID_NUMBER_CONTEXT)
        self.seal_phone = encryptor(context=PHONE_CONTEXT)
        self.index_phone = indexer(context=PHONE_CONTEXT)
        pairs = [(rows[i].values, indexes[i]) for i in new]
        if self.writer is None:
            results = self._new_outcomes(
                [indexes[i] for i in new], lambda: self._insert(pairs), lambda k: self._insert([pairs[k]])
            )
            for i, outcome in zip(new, results, strict=True):
                outcomes[i] = outcome
            return outcomes
        # Seal and format here; the writer thread COPYs on its own connection while the
        # pipeline reads and validates the next batch.
        ids = self._next_ids(len(pairs))
        cards = allocate_card_numbers(self.region, len(pairs))
        lines = list(self._member_lines(pairs, ids, cards, timezone.now()))
        written = self.writer.submit(
            self._new_outcomes,
            [indexes[i] for i in new],
            lambda: self._write(lines, ids),
            lambda k: self._write([lines[k]], [ids[k]]),
        )

        def resolve() -> list[Any]:
            for i, outcome in zip(new, written.result(), strict=True):
                outcomes[i] = outcome
            return outcomes

        return resolve

    def _new_outcomes(self, indexes: list[str], insert_all: Callable[[], None], insert_one: Callable[[int], None]):
        """Insert the new people at once; when the one-active-membership index refuses (someone
        registered one of them since we looked), one by one in savepoints, rejecting the losers."""
        try:
            with transaction.atomic():
                insert_all()
            return ["imported"] * len(indexes)
        except self.integrity_errors:
            results: list[Any] = []
            for k, index in enumerate(indexes):
                try:
                    with transaction.atomic():
                        insert_one(k)
                    results.append("imported")
                except self.integrity_errors:
                    conflict = self._conflict(self._existing([index]).get(index, []))
                    if not isinstance(conflict, CellError):
                        conflict = CellError(self.id_label, ACTIVE_ELSEWHERE, "active_elsewhere")
                    results.append(conflict)
            return results

    def _wanted(self, values: dict[str, Any]) -> dict[str, Any]:
        wanted = {key: values[key] for key in UPDATABLE if values.get(key) not in (None, "")}
        if values.get("employer_name"):
            wanted["employer_id"] = self.employers.get(values["employer_name"])
        return wanted

    def _update(self, mine: _Existing, values: dict[str, Any]) -> str:
        stored = mine.values
        changes = {key: value for key, value in self._wanted(values).items() if stored.get(key) != value}
        if (
            "employment_category" in changes
            and "new_employment_type" not in changes
            and values["employment_category"] != EmploymentCategory.NEW_EMPLOYMENT
        ):
            changes["new_employment_type"] = ""
        phone = values.get("phone")
        if phone:
            sealed = seal_phone(phone)
            if sealed.index != stored["phone_index"]:
                changes.update(phone_cipher=sealed.cipher, phone_index=sealed.index, phone_masked=sealed.masked)
        if not changes:
            return "skipped"
        category = changes.get("employment_category")
        if category is not None:
            changes["is_migrant_worker"] = category == EmploymentCategory.MIGRANT
        changes["updated_at"] = timezone.now()
        Member.objects.filter(pk=mine.pk).update(**changes)
        return "updated"

    def _prepare(self, values: dict[str, Any], index: str) -> dict[str, Any]:
        number, birth, gender = values["id_number"]
        phone = values.get("phone") or ""
        category = values.get("employment_category") or EmploymentCategory.EMPLOYEE
        employer_name = values.get("employer_name") or ""
        return {
            "name": values["name"],
            "id_number_cipher": self.seal_id(number),
            "id_number_index": index,
            "id_number_masked": mask_id_number(number),
            "phone_cipher": self.seal_phone(phone) if phone else "",
            "phone_index": self.index_phone(phone) if phone else "",
            "phone_masked": mask_phone(phone),
            "gender": Gender.MALE if gender == "male" else Gender.FEMALE,
            "birth_date": birth,
            "ethnicity": values.get("ethnicity") or "01",
            "education": values.get("education") or "",
            "political_status": values.get("political_status") or PoliticalStatus.MASSES,
            "employment_category": category,
            "new_employment_type": values.get("new_employment_type") or "",
            "is_migrant_worker": category == EmploymentCategory.MIGRANT,
            "employer_id": self.employers.get(employer_name) if employer_name else None,
            "employer_name": employer_name[:100],
            "join_date": values["join_date"],
        }

    def _insert(self, batch: list[tuple[dict[str, Any], str]]) -> None:
        """Insert new people: (validated values, ID-number blind index) pairs."""
        now = timezone.now()
        cards = allocate_card_numbers(self.region, len(batch))
        created_by = self.user.pk if self.user is not None else None
        if self.postgres:
            ids = self._next_ids(len(batch))
            self._write(self._member_lines(batch, ids, cards, now), ids)
            return
        objects = [
            Member(
                **self._prepare(values, index),
                org_id=self.org.pk,
                created_by_id=created_by,
                created_at=now,
                updated_at=now,
                status=MemberStatus.ACTIVE,
                region_code=self.region,
                member_card_number=card,
            )
            for (values, index), card in zip(batch, cards, strict=True)
        ]
        Member.objects.bulk_create(objects, batch_size=500)
        MembershipEvent.objects.bulk_create(
            [
                MembershipEvent(
                    org_id=self.org.pk,
                    created_by_id=created_by,
                    created_at=now,
                    updated_at=now,
                    member_id=obj.pk,
                    kind=EventKind.JOIN,
                    date=obj.join_date,
                    to_org_id=self.org.pk,
                    note=IMPORT_NOTE,
                )
                for obj in objects
            ],
            batch_size=500,
        )

    def _line(self, head: str, values: dict[str, Any], index: str) -> str:
        """One COPY text line: ``head`` (id, constants, card number), then the row's own columns
        in ``_MEMBER_COPY_COLUMNS`` order — the values of ``_prepare``, built straight into the
        text (the hot loop of a large import: no dict per row)."""
        get = values.get
        number, birth, gender = values["id_number"]
        phone = get("phone")
        category = get("employment_category") or _EMPLOYEE
        employer_name = get("employer_name") or ""
        employer_id = self.employers.get(employer_name) if employer_name else None
        sealed_phone = f"{self.seal_phone(phone)}\t{self.index_phone(phone)}\t{mask_phone(phone)}" if phone else "\t\t"
        return (
            f"{head}\t{_copy_text(values['name'])}\t{self.seal_id(number)}\t{index}\t{mask_id_number(number)}\t"
            f"{sealed_phone}\t{_GENDERS[gender]}\t{birth.isoformat()}\t{get('ethnicity') or '01'}\t"
            f"{get('education') or ''}\t{get('political_status') or _MASSES}\t{category}\t"
            f"{get('new_employment_type') or ''}\t{'t' if category == _MIGRANT else 'f'}\t"
            f"{_copy_value(employer_id)}\t{_copy_text(employer_name[:100])}\t"
            f"{values['join_date'].isoformat()}\n"
        )

    def _member_lines(self, batch: list[tuple[dict[str, Any], str]], ids: list[int], cards: list[str], now):
        """COPY text lines for new people, sealed as they are made (a generator)."""
        constant = "\t".join(
            [
                str(self.org.pk),
                _copy_value(self.user.pk if self.user is not None else None),
                now.isoformat(),
                now.isoformat(),
                MemberStatus.ACTIVE,
                "\\N",  # left_on
                "",  # leave_reason
                self.region,
                "f",  # is_demo
            ]
        )
        for pk, card, (values, index) in zip(ids, cards, batch, strict=True):
            yield self._line(f"{pk}\t{constant}\t{card}", values, index)

    def _next_ids(self, count: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Member._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def _write(self, lines, ids: list[int]) -> None:
        """COPY the lines (any iterable: sent in slices as it yields, so the server indexes one
        slice while the next is sealed), then derive the JOIN events inside the database.
        Foreign keys are checked as the rows arrive, not all at once at commit."""
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            raw = cursor.cursor
            with raw.copy(_MEMBER_COPY, writer=QueuedLibpqWriter(raw)) as copy:
                for piece in _slices(lines, COPY_SLICE):
                    copy.write(piece)
            cursor.execute(_EVENTS_FROM_MEMBERS, [EventKind.JOIN, IMPORT_NOTE, ids])
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again


def _close_connection() -> None:
    """Close the calling thread's database connection (run on the writer thread as its last task)."""
    connection.close()


def _slices(lines, size: int):
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield "".join(chunk)
            chunk.clear()
    if chunk:
        yield "".join(chunk)


#: the column order of the text lines built by ``_Applier._line``
_MEMBER_COPY_COLUMNS = (
    "id",
    "org_id",
    "created_by_id",
    "created_at",
    "updated_at",
    "status",
    "left_on",
    "leave_reason",
    "region_code",
    "is_demo",
    "member_card_number",
    *PERSON_FIELDS,
    "employer_id",
    "employer_name",
    "join_date",
)
_MEMBER_COPY = "COPY {} ({}) FROM STDIN".format(Member._meta.db_table, ", ".join(_MEMBER_COPY_COLUMNS))
_EVENTS_FROM_MEMBERS = (
    f"INSERT INTO {MembershipEvent._meta.db_table} "
    "(org_id, created_by_id, created_at, updated_at, member_id, kind, date, from_org_id, to_org_id, "
    "approved_by_id, note) "
    "SELECT org_id, created_by_id, created_at, updated_at, id, %s, join_date, NULL, org_id, NULL, %s "
    f"FROM {Member._meta.db_table} WHERE id = ANY(%s) ORDER BY id"
)
#: one text parameter (the blind indexes, hex, comma-separated): a list parameter is dumped element by element
_ANY_INDEX = f"{Member._meta.db_table}.id_number_index = ANY(string_to_array(%s, ','))"
_GENDERS = {"male": str(Gender.MALE.value), "female": str(Gender.FEMALE.value)}
_MASSES = str(PoliticalStatus.MASSES.value)
_MIGRANT = str(EmploymentCategory.MIGRANT.value)
_EMPLOYEE = str(EmploymentCategory.EMPLOYEE.value)
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def _copy_value(value: int | None) -> str:
    return "\\N" if value is None else str(value)


# ---------------------------------------------------------------------------
# The entry point


def import_members(
    *,
    user,
    org: Organization,
    file: Any,
    sheet: str | int | None = None,
    mode: str = "valid-only",
    progress: Callable[[int, int | None], None] | None = None,
    filename: str | None = None,
    batch_size: int = BATCH_SIZE,
    keep_rows: str | None = "all",
    parallel: bool | None = None,
) -> ImportReport:
    """Import a roster file into ``org`` as ``user``; see the module docstring.

    Raises PermissionDenied (union out of scope), ValidationError (union cannot hold
    members), SpreadsheetError / SheetChoiceRequired (the file cannot be read; nothing
    was written). In "all-or-nothing" mode a file with rejected rows returns the report
    with ``aborted`` set and nothing written. ``keep_rows``: which rows the report keeps for
    its per-row xlsx ("all", "problems", None, or "auto": all up to FULL_REPORT_ROWS rows).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    check_import_target(user, org)
    pipeline = member_pipeline(batch_size)
    applier = _Applier(user=user, org=org)
    with pipeline.open(file, sheet=sheet, filename=filename) as table:
        applier.id_label = pipeline.duplicate_column = table.header.label_of("id_number")
        if keep_rows == "auto":  # every row in the report up to FULL_REPORT_ROWS, then only the rejected ones
            estimate = table.estimated_rows
            keep_rows = "all" if estimate is None or estimate <= FULL_REPORT_ROWS else "problems"
        options = {"keep_rows": keep_rows, "progress": progress, "parallel": parallel}
        if mode == "valid-only":
            if connection.vendor != "postgresql" or connection.in_atomic_block:
                return pipeline.run(table, apply_batch=applier, **options)
            # Each batch commits on its own: a writer thread with its own connection takes the
            # COPY and its commit, so the server's indexing overlaps reading and sealing here.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer") as applier.writer:
                try:
                    return pipeline.run(table, apply_batch=applier, **options)
                finally:
                    applier.writer.submit(_close_connection)
        try:
            with transaction.atomic():
                return pipeline.run(
                    table,
                    apply_batch=applier,
                    all_or_nothing=True,
                    **options,
                )
        except ImportAborted as aborted:
            return aborted.report
