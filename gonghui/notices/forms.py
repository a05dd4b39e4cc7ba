from __future__ import annotations

from django import forms

from gonghui.core.forms import ScopedModelForm
from gonghui.notices.models import ATTACHMENT_TYPES_LABEL, Announcement, AnnouncementAttachment, validate_attachment
from gonghui.orgs.models import Organization, OrgStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is validated on its own."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class AnnouncementForm(ScopedModelForm):
    units = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label="接收单位（仅本单位）",
        help_text="接收范围为“指定单位”时填写：只发给所选单位本身",
    )
    units_with_subtree = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label="接收单位（含全部下级）",
        help_text="接收范围为“指定单位”时填写：发给所选单位及其全部下级单位",
    )
    new_attachments = MultipleFileField(
        required=False,
        label="上传附件",
        validators=[validate_attachment],
        help_text=f"可多选；支持 {ATTACHMENT_TYPES_LABEL}，每个文件不超过 20 MB",
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        queryset=AnnouncementAttachment.objects.none(),
        required=False,
        label="删除已有附件",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Announcement
        fields = ["org", "title", "body", "audience_mode"]
        labels = {"org": "发布单位"}
        widgets = {"body": forms.Textarea(attrs={"rows": 12}), "audience_mode": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        live = Organization.objects.exclude(status=OrgStatus.DISSOLVED)
        self.fields["org"].queryset = live.restrict(self.user, "add")
        visible = live.restrict(self.user, "view")
        self.fields["units"].queryset = visible
        self.fields["units_with_subtree"].queryset = visible
        if self.instance.pk:
            targets = list(self.instance.targets.all())
            self.fields["units"].initial = [t.org_id for t in targets if not t.include_subtree]
            self.fields["units_with_subtree"].initial = [t.org_id for t in targets if t.include_subtree]
            self.fields["remove_attachments"].queryset = self.instance.attachments.all()
            if not self.fields["remove_attachments"].queryset.exists():
                del self.fields["remove_attachments"]
        else:
            del self.fields["remove_attachments"]
            if self.user.org_id and self.fields["org"].queryset.filter(pk=self.user.org_id).exists():
                self.fields["org"].initial = self.user.org_id

    def _post_clean(self):
        # Model validation runs in the service (with the audience rules).
        pass


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
