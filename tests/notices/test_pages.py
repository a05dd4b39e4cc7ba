"""Announcement pages through the mix-in suites (list, export, detail, create, edit, delete)."""

import pytest

from gonghui.notices.models import Announcement
from tests.notices.helpers import make_announcement
from tests.testing import CrudSuite

pytestmark = pytest.mark.django_db


class TestAnnouncementPages(CrudSuite):
    model = Announcement
    list_url_name = "notices:announcement_list"
    detail_url_name = "notices:announcement_detail"
    add_url_name = "notices:announcement_add"
    edit_url_name = "notices:announcement_edit"
    delete_url_name = "notices:announcement_delete"
    edit_field = "title"
    edit_value = "关于调整会议时间的通知"

    def make_object(self, world, org):
        label = "湖塘" if org.region_code == "320412" else "茶山"
        return make_announcement(org, title=f"{label}工会换届选举工作安排")

    def form_data(self, world, org):
        return {
            "org": org.pk,
            "title": "关于开展职工技能竞赛的通知",
            "body": "各单位：\n请踊跃报名。",
            "audience_mode": "subtree",
        }

    def created(self, world, data):
        return Announcement.objects.filter(title=data["title"]).first()

    def edit_data(self, world, obj):
        return {"org": obj.org_id, "title": obj.title, "body": obj.body, "audience_mode": obj.audience_mode}
