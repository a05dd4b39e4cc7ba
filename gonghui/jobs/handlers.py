"""Job handlers that belong to no other app yet. Apps register theirs in their own ``jobs.py``.

``orgs.export`` — the organisation list as xlsx, with the org list page's filters, for the
requesting user's export scope. Params: ``{"filters": {<OrganizationFilterSet field>: value}}``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gonghui.core.exports import write_xlsx
from gonghui.core.querysets import can
from gonghui.jobs.models import Job
from gonghui.jobs.services import JobOutcome, job_handler

ORG_EXPORT_SHEET = "工会组织列表"


@job_handler("orgs.export", labels={"rows": "导出行数"})
def export_orgs(job: Job, progress) -> JobOutcome:
    from gonghui.orgs.filtersets import OrganizationFilterSet
    from gonghui.orgs.models import Organization
    from gonghui.orgs.selectors import with_list_annotations
    from gonghui.orgs.tables import OrganizationTable

    user = job.requested_by
    if not can(user, Organization, "export"):
        raise PermissionDenied("您已没有导出工会组织的权限，导出未进行。请联系安全管理员分配角色后重新提交。")
    queryset = with_list_annotations(Organization.objects.restrict(user, "export"))
    filterset = OrganizationFilterSet(dict(job.params.get("filters") or {}), queryset=queryset)
    if not filterset.is_valid():
        fields = filterset.form.fields
        problems = "；".join(
            f"「{fields[name].label}」{''.join(errors)}"
            for name, errors in filterset.form.errors.items()
            if name in fields
        )
        raise ValidationError(f"筛选条件有误：{problems or '无法识别'}请在工会组织列表重新设置筛选条件后再导出。")
    table = OrganizationTable(filterset.qs)
    total = filterset.qs.count()
    progress(0, total, f"正在导出 {total} 个工会组织……")
    exclude = set(getattr(OrganizationTable.Meta, "export_exclude", ())) | {"actions"}
    columns = [(column.name, str(column.header)) for column in table.columns if column.name not in exclude]

    def rows():
        for number, row in enumerate(table.rows, start=1):
            yield [row.get_cell_value(name) for name, _header in columns]
            if number % 200 == 0:
                progress(number, total)
        progress(total, total)

    content = write_xlsx([header for _name, header in columns], rows(), sheet=ORG_EXPORT_SHEET)
    return JobOutcome(
        message=f"已导出 {total} 个工会组织。",
        summary={"rows": total},
        content=content,
        filename=f"工会组织_{timezone.localdate():%Y%m%d}.xlsx",
    )
