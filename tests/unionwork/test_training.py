import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.core.models import ChangeLog
from gonghui.targets import sources
from gonghui.unionwork import services_training
from gonghui.unionwork.models import Trainee, TrainingCourse
from gonghui.utilities.periods import Period
from tests.testing import CrudSuite
from tests.unionwork.helpers import TODAY, course, trainee

pytestmark = pytest.mark.django_db
THIS_YEAR = Period.year_of(TODAY.year)


class TestCoursePages(CrudSuite):
    model = TrainingCourse
    list_url_name = "unionwork:course_list"
    detail_url_name = "unionwork:course_detail"
    add_url_name = "unionwork:course_add"
    edit_url_name = "unionwork:course_edit"
    delete_url_name = "unionwork:course_delete"

    def make_object(self, world, org):
        return course(world.wujin_admin if org.region_code == "320412" else world.tianning_admin, org)

    def form_data(self, world, org):
        return {
            "org": org.pk,
            "name": "工会财务干部培训班",
            "kind": "cadre",
            "start_on": (TODAY - datetime.timedelta(days=5)).isoformat(),
            "end_on": (TODAY - datetime.timedelta(days=4)).isoformat(),
            "hours": "8",
            "status": "finished",
        }

    def created(self, world, data):
        return TrainingCourse.objects.filter(name=data["name"]).first()

    def edit_data(self, world, obj):
        return {**self.form_data(world, obj.org), "name": obj.name}


def test_course_dates_and_status_are_checked(world):
    with pytest.raises(ValidationError) as error:
        course(world.wujin_admin, world.hutang, end_on=TODAY - datetime.timedelta(days=20))
    assert "end_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        course(world.wujin_admin, world.hutang, end_on=TODAY + datetime.timedelta(days=3))
    assert "status" in error.value.message_dict
    assert not TrainingCourse.objects.exists()


def test_trainees_from_accounts_or_names_and_hours_checked(world):
    item = course(world.wujin_admin, world.hutang)
    linked = trainee(world.wujin_admin, item, "", user=world.chair, chair=True)
    assert linked.name == "chair" and linked.work_unit == "武进甲公司工会"
    with pytest.raises(ValidationError):
        trainee(world.wujin_admin, item, "张三", hours_attended=Decimal("17"))
    with pytest.raises(ValidationError):
        trainee(world.wujin_admin, item, "")
    assert item.trainees.count() == 1
    assert ChangeLog.objects.filter(object_id=str(item.pk), after__trainee_added="chair").exists()


def test_sources_count_finished_courses_and_completed_chairs(world):
    wujin_course = course(world.wujin_admin, world.hutang)
    trainee(world.wujin_admin, wujin_course, "主席甲", chair=True)
    trainee(world.wujin_admin, wujin_course, "主席乙", chair=True, completed=False)
    trainee(world.wujin_admin, wujin_course, "干部丙")
    soon = TODAY + datetime.timedelta(days=28)
    planned = course(world.wujin_admin, world.hutang, name="计划中的班", status="planned", start_on=soon,
                     end_on=soon + datetime.timedelta(days=2))  # fmt: skip
    trainee(world.wujin_admin, planned, "主席丁", chair=True, completed=False, hours_attended=0)
    tianning_course = course(world.tianning_admin, world.chashan)
    trainee(world.tianning_admin, tianning_course, "主席戊", chair=True)
    assert sources.value("trainings_held", world.wujin, THIS_YEAR) == 1
    assert sources.value("trainings_held", world.city, THIS_YEAR) == 2
    assert sources.value("union_chairs_trained", world.wujin, THIS_YEAR) == 1
    assert sources.value("union_chairs_trained", world.city, THIS_YEAR) == 2
    services_training.trainees_complete_all(user=world.wujin_admin, course=wujin_course)
    assert sources.value("union_chairs_trained", world.wujin, THIS_YEAR) == 2


def test_trainee_pages_are_scoped(client, world):
    own = course(world.wujin_admin, world.hutang)
    other = course(world.tianning_admin, world.chashan)
    person = trainee(world.tianning_admin, other, "天宁学员")
    client.force_login(world.wujin_admin)
    response = client.post(reverse("unionwork:trainee_add", args=[own.pk]), {"name": "李四", "is_chair": "on",
                                                                              "hours_attended": "16"})  # fmt: skip
    assert response.status_code == 302
    added = Trainee.objects.get(name="李四")
    assert added.is_chair
    response = client.post(reverse("unionwork:trainee_update", args=[own.pk, added.pk]),
                           {"hours_attended": "12", "completed": "1"})  # fmt: skip
    added.refresh_from_db()
    assert added.completed and added.hours_attended == 12
    assert client.post(reverse("unionwork:trainee_add", args=[other.pk]), {"name": "x"}).status_code == 404
    assert client.post(reverse("unionwork:trainee_remove", args=[other.pk, person.pk])).status_code == 404
    assert client.post(reverse("unionwork:trainees_complete", args=[other.pk])).status_code == 404
    assert client.post(reverse("unionwork:trainee_update", args=[other.pk, person.pk]), {}).status_code == 404
    remove = reverse("unionwork:trainee_remove", args=[own.pk, added.pk])
    assert "确认" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not Trainee.objects.filter(pk=added.pk).exists()
    assert Trainee.objects.filter(pk=person.pk).exists()


def test_trainee_from_the_member_registry_by_card_number(client, world):
    from tests.members.helpers import add_member

    own = course(world.wujin_admin, world.hutang)
    member = add_member(world, world.wujin_union, name="会员张三", serial=11)
    other = add_member(world, world.tianning_union, name="天宁会员", serial=12)
    client.force_login(world.wujin_admin)
    url = reverse("unionwork:trainee_add", args=[own.pk])
    assert client.post(url, {"member_card": member.member_card_number, "hours_attended": "16"}).status_code == 302
    trainee_row = Trainee.objects.get()
    assert trainee_row.member == member and trainee_row.name == "会员张三"
    response = client.post(url, {"member_card": other.member_card_number, "hours_attended": "16"}, follow=True)
    assert "没有找到会员证号" in response.content.decode()
    assert Trainee.objects.count() == 1
