"""Organisation tree and employer pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from gonghui.core.forms import apply_form_errors
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView, ScopedViewMixin
from gonghui.orgs import selectors, services
from gonghui.orgs.filtersets import EmployerFilterSet, OrganizationFilterSet
from gonghui.orgs.forms import DissolveForm, EmployerForm, MoveForm, OrganizationForm
from gonghui.orgs.models import CommitteeMember, Employer, Organization, ReElection
from gonghui.orgs.tables import EmployerTable, OrganizationTable


def _require_view(user, model):
    if not can(user, model, "view"):
        raise PermissionDenied("您没有此功能的权限，请联系安全管理员分配角色。")


@login_required
def tree(request):
    """组织架构: the top of the user's visible tree; children load lazily through HTMX."""
    _require_view(request.user, Organization)
    nodes = selectors.with_tree_counts(selectors.tree_roots_for(request.user))
    return render(
        request,
        "orgs/tree.html",
        {
            "title": "组织架构",
            "nodes": nodes,
            "breadcrumbs": [("组织架构", None)],
            "can_add": can(request.user, Organization, "add"),
        },
    )


@login_required
def tree_children(request, pk: int):
    parent = get_restricted_or_404(Organization, request.user, "view", pk=pk)
    nodes = selectors.children_with_counts(request.user, parent)
    return render(request, "orgs/_tree_nodes.html", {"nodes": nodes})


@login_required
def tree_search(request):
    _require_view(request.user, Organization)
    term = request.GET.get("q", "")
    results = selectors.search_orgs(request.user, term)
    return render(request, "orgs/_search_results.html", {"results": results, "term": term})


@login_required
def org_detail(request, pk: int):
    org = get_restricted_or_404(Organization, request.user, "view", pk=pk)
    ancestors = Organization.objects.restrict(request.user).filter(
        pk__in=[a.pk for a in Organization.objects.get_ancestors(org)]
    )
    children = selectors.children_with_counts(request.user, org)
    employers = Employer.objects.restrict(request.user, "view").filter(union=org)[:20]
    user = request.user
    return render(
        request,
        "orgs/org_detail.html",
        {
            "title": org.name,
            "org": org,
            "counts": selectors.subtree_counts(org, user=request.user),
            "children": children,
            "employers": employers,
            "breadcrumbs": [
                ("组织架构", reverse("orgs:tree")),
                *[(a.name, a.get_absolute_url()) for a in ancestors],
                (org.name, None),
            ],
            "can_change": Organization.objects.restrict(user, "change").filter(pk=org.pk).exists(),
            "can_delete": Organization.objects.restrict(user, "delete").filter(pk=org.pk).exists(),
            "can_add": Organization.objects.restrict(user, "add").filter(pk=org.pk).exists(),
            # 换届 (gonghui/orgs/models_establishment.py): the committee elected last, and planning the next one.
            "committee": CommitteeMember.objects.restrict(user).filter(org=org, is_current=True),
            "can_plan_reelection": can(user, ReElection, "add") and org.term_end is not None,
        },
    )


class OrganizationListView(ObjectListView):
    model = Organization
    table_class = OrganizationTable
    filterset_class = OrganizationFilterSet
    title = "工会组织列表"
    add_url_name = "orgs:org_add"
    export_filename = "工会组织"
    empty_text = "没有符合条件的工会组织。"

    def get_queryset(self, action):
        return selectors.with_list_annotations(self.restricted(action))


class OrganizationEditView(ObjectEditView):
    model = Organization
    form_class = OrganizationForm
    list_url_name = "orgs:org_list"

    def make_form(self, data=None, files=None):
        kwargs = {"user": self.request.user, "data": data, "files": files}
        if self.obj is not None:
            kwargs["instance"] = self.obj
        else:
            parent_id = self.request.GET.get("parent")
            if parent_id and parent_id.isdigit():
                kwargs["parent"] = Organization.objects.restrict(self.request.user, "add").filter(pk=parent_id).first()
        return self.form_class(**kwargs)

    def create(self, form):
        data = dict(form.cleaned_data)
        parent = data.pop("parent", None)
        if parent is None:
            raise ValidationError({"parent": "请选择上级单位。"})
        return services.org_create(user=self.request.user, parent=parent, data=data)

    def update(self, obj, form):
        return services.org_update(user=self.request.user, org=obj, data=form.cleaned_data)


class OrganizationMoveView(ScopedViewMixin, View):
    model = Organization

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.org = self.get_object("change", pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form):
        return render(
            self.request,
            "core/object_confirm.html",
            {
                "title": f"移动组织：{self.org.name}",
                "question": f"把「{self.org.name}」及其全部下级组织移动到新的上级单位之下。",
                "warning": "移动会改变数据归属：原上级单位将不再能看到这些组织及其数据。",
                "form": form,
                "confirm_label": "确认移动",
                "cancel_url": self.org.get_absolute_url(),
            },
        )

    def get(self, request, pk):
        return self.render_page(MoveForm(user=request.user, org=self.org))

    def post(self, request, pk):
        form = MoveForm(request.POST, user=request.user, org=self.org)
        if form.is_valid():
            try:
                services.org_move(user=request.user, org=self.org, new_parent=form.cleaned_data["new_parent"])
            except (ValidationError, PermissionDenied) as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, f"已将「{self.org.name}」移动到「{form.cleaned_data['new_parent']}」之下。")
                return HttpResponseRedirect(self.org.get_absolute_url())
        return self.render_page(form)


class OrganizationDissolveView(ObjectDeleteView):
    model = Organization
    list_url_name = "orgs:tree"

    def context(self):
        return {
            "title": f"撤销组织：{self.obj.name}",
            "question": f"确定撤销「{self.obj.name}」吗？撤销后组织记录保留备查，不再参与统计。",
            "confirm_label": "确认撤销",
            "cancel_url": self.obj.get_absolute_url(),
            "form": getattr(self, "form", None) or DissolveForm(),
        }

    def post(self, request, *args, **kwargs):
        self.form = DissolveForm(request.POST)
        if self.form.is_valid():
            try:
                services.org_dissolve(user=request.user, org=self.obj, **self.form.cleaned_data)
            except ValidationError as error:
                apply_form_errors(self.form, error)
            else:
                messages.success(request, f"已撤销「{self.obj.name}」。")
                return HttpResponseRedirect(self.obj.get_absolute_url())
        return render(request, self.template_name, self.context())


class EmployerListView(ObjectListView):
    model = Employer
    table_class = EmployerTable
    filterset_class = EmployerFilterSet
    title = "用人单位"
    add_url_name = "orgs:employer_add"
    export_filename = "用人单位"
    empty_text = "没有符合条件的用人单位。"

    def get_queryset(self, action):
        return self.restricted(action).select_related("union", "org")


@login_required
def employer_detail(request, pk: int):
    employer = get_restricted_or_404(Employer.objects.select_related("union", "org"), request.user, "view", pk=pk)
    user = request.user
    return render(
        request,
        "orgs/employer_detail.html",
        {
            "title": employer.name,
            "employer": employer,
            "breadcrumbs": [("用人单位", reverse("orgs:employer_list")), (employer.name, None)],
            "can_change": Employer.objects.restrict(user, "change").filter(pk=employer.pk).exists(),
            "can_delete": Employer.objects.restrict(user, "delete").filter(pk=employer.pk).exists(),
        },
    )


class EmployerEditView(ObjectEditView):
    model = Employer
    form_class = EmployerForm
    list_url_name = "orgs:employer_list"

    def create(self, form):
        return services.employer_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services.employer_update(user=self.request.user, employer=obj, data=form.cleaned_data)


class EmployerDeleteView(ObjectDeleteView):
    model = Employer
    list_url_name = "orgs:employer_list"

    def delete(self, obj):
        services.employer_delete(user=self.request.user, employer=obj)
