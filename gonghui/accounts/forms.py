"""Forms of the system pages. Validation that needs the database or the actor lives in services."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Permission

from gonghui.accounts.models import Department, Role, User
from gonghui.accounts.selectors import matrix_permissions
from gonghui.core.forms import ScopedModelForm
from gonghui.orgs.models import Organization, OrgStatus


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.org.short_name or obj.org.name} / {obj.name}"


class UserForm(ScopedModelForm):
    """新增 / 修改用户 (系统管理员). Deliberately without roles: those are the 安全管理员's job."""

    department = DepartmentChoiceField(
        queryset=Department.objects.all(), required=False, label="部门", help_text="须是所选单位的部门，可不选"
    )

    class Meta:
        model = User
        fields = ["username", "display_name", "org", "department", "email", "is_active"]
        labels = {"username": "用户名", "email": "电子邮箱", "is_active": "启用"}
        help_texts = {"username": "登录用的账号，创建后不能修改。150 个字符以内，字母、数字和 @/./+/-/_"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].required = True
        self.fields["org"].queryset = self.fields["org"].queryset.exclude(status=OrgStatus.DISSOLVED)
        self.fields["department"].queryset = self.fields["department"].queryset.select_related("org")
        if self.instance.pk:
            del self.fields["username"]
        else:
            del self.fields["is_active"]  # a new account starts active

    def _post_clean(self):
        pass  # model validation runs in the service


class UserRolesForm(forms.Form):
    roles = forms.ModelMultipleChoiceField(
        queryset=Role.objects.none(), required=False, label="角色", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].queryset = Role.objects.restrict(user, "view").filter(is_active=True)


class DepartmentForm(ScopedModelForm):
    class Meta:
        model = Department
        fields = ["org", "name", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = self.fields["org"].queryset.exclude(status=OrgStatus.DISSOLVED)

    def _post_clean(self):
        pass


class RoleForm(ScopedModelForm):
    permissions = forms.ModelMultipleChoiceField(
        queryset=Permission.objects.none(),
        required=False,
        label="功能权限",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Role
        fields = ["name", "code", "data_scope", "custom_orgs", "is_active", "sort", "remark", "permissions"]
        help_texts = {
            "code": "英文字母、数字、下划线或连字符，例如 district_staff",
            "custom_orgs": "仅当数据范围为「自定义数据」时生效；按住 Ctrl 可多选",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].queryset = matrix_permissions()
        self.fields["custom_orgs"].queryset = Organization.objects.restrict(self.user, "view").exclude(
            status=OrgStatus.DISSOLVED
        )
        self.fields["custom_orgs"].widget.attrs["size"] = 8
        if self.instance.pk and self.instance.is_builtin:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = "内置角色的编码不能修改"

    def selected_permission_ids(self) -> set[int]:
        values = self["permissions"].value() or []
        return {int(value) for value in values if str(value).isdigit()}

    def _post_clean(self):
        pass


class TokenForm(forms.Form):
    name = forms.CharField(label="名称", max_length=60, help_text="说明令牌的用途，例如「统计系统对接」")
    expires_on = forms.DateField(
        label="过期日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="到期当天结束后失效；不填则长期有效，建议设置",
    )
