"""The annual return as the xlsx units already file: title, 表号 and authority, filing unit and year, one line per
row with its code, unit and figure, and the 单位负责人 / 填报人 / 审核人 / 报出日期 footer (xlsxwriter)."""

from __future__ import annotations

import io

import xlsxwriter
from django.utils import timezone

from gonghui.reports import returns as forms
from gonghui.reports.models import UnitReturn
from gonghui.reports.selectors_returns import return_rows

HEADERS = ("指标名称", "代码", "计量单位", "本年数", "系统计算数", "更正说明")


def return_xlsx(ret: UnitReturn) -> bytes:
    form = forms.FORMS[ret.form]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet(form.title[:31])
    title = workbook.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    meta = workbook.add_format({"font_size": 10})
    meta_right = workbook.add_format({"font_size": 10, "align": "right"})
    head = workbook.add_format({"bold": True, "border": 1, "align": "center", "bg_color": "#F2F2F2"})
    section = workbook.add_format({"bold": True, "border": 1})
    cell = workbook.add_format({"border": 1})
    center = workbook.add_format({"border": 1, "align": "center"})
    number = workbook.add_format({"border": 1, "num_format": "#,##0"})
    decimal = workbook.add_format({"border": 1, "num_format": "#,##0.00"})
    indents = [workbook.add_format({"border": 1, "indent": n}) for n in range(3)]
    widths = (34, 8, 10, 16, 14, 36)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    last = len(HEADERS) - 1
    sheet.merge_range(0, 0, 0, last, f"{ret.campaign.year}年{form.title}", title)
    sheet.set_row(0, 30)
    sheet.write_string(1, 0, f"表　　号：{form.table_number}", meta)
    sheet.write_string(1, last, f"制表机关：{form.authority}", meta_right)
    sheet.write_string(2, 0, f"填报单位：{ret.org.name}（{ret.org.code}）", meta)
    sheet.write_string(2, last, f"统计年度：{ret.campaign.year}年（{ret.campaign.period_label}）", meta_right)
    row_number = 4
    for col, header in enumerate(HEADERS):
        sheet.write_string(row_number - 1, col, header, head)
    for section_label, rows in return_rows(ret):
        sheet.merge_range(row_number, 0, row_number, last, section_label, section)
        row_number += 1
        for row in rows:
            field = row.field
            sheet.write_string(row_number, 0, field.label, indents[min(field.indent, 2)])
            sheet.write_string(row_number, 1, field.code, center)
            sheet.write_string(row_number, 2, field.unit or "—", center)
            value = row.value
            fmt = number if field.is_whole else decimal
            if row.is_text:
                sheet.write_string(row_number, 3, row.final, cell)
                sheet.write_string(row_number, 4, row.computed, cell)
            else:
                for col, amount in (
                    (3, value.final_value if value else None),
                    (4, value.computed_value if value else None),
                ):
                    if amount is None:
                        sheet.write_blank(row_number, col, None, cell)
                    else:
                        sheet.write_number(row_number, col, float(amount), fmt)
            note = ""
            if row.corrected:
                note = f"已更正：{value.correction_reason}" if value.correction_reason else "填报"
            elif row.manual:
                note = "填报"
            sheet.write_string(row_number, 5, note, cell)
            row_number += 1
    row_number += 1
    submitted = timezone.localtime(ret.submitted_at).strftime("%Y-%m-%d") if ret.submitted_at else ""
    reviewed = timezone.localtime(ret.reviewed_at).strftime("%Y-%m-%d") if ret.reviewed_at else ""
    sheet.write_string(row_number, 0, f"单位负责人：{ret.head_name}", meta)
    sheet.write_string(row_number, 3, f"填报人：{ret.preparer_name}", meta)
    sheet.write_string(row_number, 5, f"联系电话：{ret.preparer_phone}", meta)
    row_number += 1
    sheet.write_string(row_number, 0, f"审核人：{ret.reviewer_name if ret.reviewed_at else ''}", meta)
    sheet.write_string(row_number, 3, f"报出日期：{submitted}", meta)
    sheet.write_string(row_number, 5, f"审核日期：{reviewed}", meta)
    sheet.freeze_panes(4, 0)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    workbook.close()
    return buffer.getvalue()


def children_xlsx(ret: UnitReturn) -> bytes:
    """下级汇总表: one column per direct sub-unit's return (its reported figures, by the row's concept), the total
    of the accepted ones, and the parent's own figure — how the parent checks what it aggregates."""
    from gonghui.reports.models import ReturnStatus
    from gonghui.reports.services_returns import child_returns

    form = forms.FORMS[ret.form]
    children = list(child_returns(ret).prefetch_related("values"))
    by_child = []
    for child in children:
        child_form = forms.FORMS[child.form]
        concepts = {child_form.by_code[v.code].concept: v for v in child.values.all() if v.code in child_form.by_code}
        by_child.append(concepts)
    own = {value.code: value for value in ret.values.all()}
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet("下级汇总")
    title = workbook.add_format({"bold": True, "font_size": 14})
    head = workbook.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2", "text_wrap": True, "align": "center"})
    cell = workbook.add_format({"border": 1})
    number = workbook.add_format({"border": 1, "num_format": "#,##0.##"})
    last = 3 + len(children) + 1
    sheet.merge_range(0, 0, 0, last, f"{ret.org.name}{ret.campaign.year}年统计年报下级汇总表", title)
    headers = ["代码", "指标名称", "计量单位"]
    headers += [f"{child.org.name}（{child.get_status_display()}）" for child in children]
    headers += ["已审核下级合计", "本单位本年数"]
    for col, header in enumerate(headers):
        sheet.write_string(1, col, header, head)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 30)
    sheet.set_column(3, last, 14)
    row_number = 2
    for field in form.fields:
        if not field.concept:
            continue
        sheet.write_string(row_number, 0, field.code, cell)
        sheet.write_string(row_number, 1, field.label, cell)
        sheet.write_string(row_number, 2, field.unit, cell)
        total = None
        for index, (child, concepts) in enumerate(zip(children, by_child, strict=True)):
            value = concepts.get(field.concept)
            amount = value.final_value if value is not None else None
            if amount is None:
                sheet.write_blank(row_number, 3 + index, None, cell)
            else:
                sheet.write_number(row_number, 3 + index, float(amount), number)
                if child.status == ReturnStatus.ACCEPTED:
                    total = (total or 0) + amount
        for col, amount in (
            (3 + len(children), total),
            (4 + len(children), getattr(own.get(field.code), "final_value", None)),
        ):
            if amount is None:
                sheet.write_blank(row_number, col, None, cell)
            else:
                sheet.write_number(row_number, col, float(amount), number)
        row_number += 1
    sheet.freeze_panes(2, 3)
    workbook.close()
    return buffer.getvalue()
