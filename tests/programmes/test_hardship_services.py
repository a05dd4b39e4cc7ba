"""Hardship files: one open file per person (code and database), the workflow with evidence and deadlines,
sensitive data sealed, review, exit and follow-up visits."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gonghui.core.context import actor
from gonghui.core.models import ChangeLog
from gonghui.members.models import Member
from gonghui.programmes import selectors_hardship, services_hardship
from gonghui.programmes.models.hardship import HardshipEvent, HardshipFile
from gonghui.utilities.periods import working_days_after
from tests.programmes.hardship_helpers import TODAY, file_data, id_no, make_file, scan, walk_to_filed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_application_is_sealed_and_due_for_review_in_five_working_days(world):
    file = make_file(world.chair, world.wujin_union)
    assert file.state == "applied" and file.number.startswith(f"KN{TODAY.year}")
    assert file.current_due == working_days_after(file.applied_on, 5)
    assert file.id_number_masked.startswith("3204") and "*" in file.id_number_masked
    assert "2350" not in file.income_cipher and "尿毒症" not in file.health_cipher
    assert file.reveal_sensitive()["income"] == "2350.00" and "尿毒症" in file.reveal_sensitive()["health"]
    log = ChangeLog.objects.filter(object_id=str(file.pk), action="create", content_type__model="hardshipfile").get()
    assert "尿毒症" not in str(log.after) and id_no(1) not in str(log.after)
    assert HardshipEvent.objects.get(file_record=file).kind == "apply"


def test_the_same_person_cannot_hold_two_open_files_even_in_another_union(world):
    make_file(world.chair, world.wujin_union, serial=7)
    with pytest.raises(ValidationError) as error:
        make_file(world.tianning_admin, world.tianning_union, serial=7, phone="13900000099", id_number=id_no(7))
    message = error.value.message_dict["id_number"][0]
    assert "武进甲公司工会" in message and "同一人只能有一份" in message
    assert HardshipFile.objects.count() == 1


def test_the_database_refuses_a_second_open_file(world):
    first = make_file(world.chair, world.wujin_union, serial=8)
    copy = HardshipFile.objects.get(pk=first.pk)
    copy.pk, copy.number = None, "KN-COPY"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_a_closed_file_lets_the_person_apply_again(world):
    file = walk_to_filed(world.chair, world.wujin_admin, make_file(world.chair, world.wujin_union, serial=9))
    with actor(world.chair):
        services_hardship.hardship_exit(user=world.chair, file=file, resolved=True, on=TODAY, reason="子女已工作")
    again = make_file(world.chair, world.wujin_union, serial=9, applied_on=TODAY)
    assert again.state == "applied"


def test_full_path_records_every_step_with_its_evidence(world):
    file = walk_to_filed(world.chair, world.wujin_admin, make_file(world.chair, world.wujin_union))
    assert file.state == "filed" and file.level == "deep" and file.current_due is None
    assert file.review_due == file.filed_on.replace(year=file.filed_on.year + 1)
    kinds = list(file.events.values_list("kind", flat=True))
    assert kinds == ["apply", "review", "survey", "civil_sent", "civil_result", "notice", "file"]
    assert set(file.attachments.values_list("kind", flat=True)) == {"survey_form", "civil_document"}
    assert file.events.get(kind="file").actor_name == "wujin_admin"
    assert file.notice_end == working_days_after(file.notice_start, 4)  # the start day is the first of 5


def test_offline_steps_are_not_done_without_their_evidence(world):
    file = make_file(world.chair, world.wujin_union)
    with actor(world.chair):
        file = services_hardship.hardship_review(user=world.chair, file=file, passed=True, on=TODAY, opinion="属实")
        with pytest.raises(ValidationError, match="两名以上调查人"):
            services_hardship.hardship_survey(
                user=world.chair, file=file, on=TODAY, investigators="张三", findings="x", signed_form=scan()
            )
        with pytest.raises(ValidationError) as error:
            services_hardship.hardship_survey(
                user=world.chair, file=file, on=TODAY, investigators="张三、李四", findings="x", signed_form=None
            )
        assert "签字的入户调查表" in str(error.value)
        file.refresh_from_db()
        assert file.state == "survey" and not file.attachments.exists()
        file = services_hardship.hardship_survey(
            user=world.chair, file=file, on=TODAY, investigators="张三，李四", findings="属实", signed_form=scan()
        )
        with pytest.raises(ValidationError, match="先登记送民政核对"):
            services_hardship.hardship_civil_result(
                user=world.chair, file=file, result="confirmed", on=TODAY, note="", document=scan()
            )
        file = services_hardship.hardship_civil_send(user=world.chair, file=file, on=TODAY)
        with pytest.raises(ValidationError, match="民政部门返回的核对结果"):
            services_hardship.hardship_civil_result(
                user=world.chair, file=file, result="confirmed", on=TODAY, note="", document=None
            )
    assert file.state == "civil" and file.current_due == working_days_after(TODAY, 15)


def test_filing_waits_for_the_notice_period_and_needs_approval(world):
    file = make_file(world.chair, world.wujin_union, applied_on=TODAY - datetime.timedelta(days=5))
    with actor(world.chair):
        file = services_hardship.hardship_review(user=world.chair, file=file, passed=True, on=TODAY, opinion="属实")
        file = services_hardship.hardship_survey(
            user=world.chair, file=file, on=TODAY, investigators="张三、李四", findings="属实", signed_form=scan()
        )
        file = services_hardship.hardship_civil_send(user=world.chair, file=file, on=TODAY)
        file = services_hardship.hardship_civil_result(
            user=world.chair, file=file, result="confirmed", on=TODAY, note="", document=scan()
        )
        file = services_hardship.hardship_notice_start(user=world.chair, file=file, start=TODAY, place="公告栏")
        with pytest.raises(Exception) as refused:  # the chair has no approve permission: 404 through restrict
            services_hardship.hardship_establish(user=world.chair, file=file, level="deep", on=TODAY)
        assert refused.type.__name__ == "Http404"
    with actor(world.wujin_admin), pytest.raises(ValidationError, match="期满后才能建档"):
        services_hardship.hardship_establish(user=world.wujin_admin, file=file, level="deep", on=TODAY)


def test_an_upheld_objection_rejects_and_a_mismatch_rejects(world):
    file = make_file(world.chair, world.wujin_union)
    with actor(world.chair):
        file = services_hardship.hardship_review(user=world.chair, file=file, passed=True, on=TODAY, opinion="属实")
        file = services_hardship.hardship_survey(
            user=world.chair, file=file, on=TODAY, investigators="张三、李四", findings="属实", signed_form=scan()
        )
        file = services_hardship.hardship_civil_send(user=world.chair, file=file, on=TODAY)
        file = services_hardship.hardship_civil_result(
            user=world.chair, file=file, result="mismatch", on=TODAY, note="有商品房两套", document=scan()
        )
    assert file.state == "rejected" and "有商品房两套" in file.rejected_reason
    other = make_file(world.chair, world.wujin_union, serial=2)
    with actor(world.chair):
        other = services_hardship.hardship_review(
            user=world.chair, file=other, passed=False, on=TODAY, opinion="收入超标"
        )
    assert other.state == "rejected" and other.current_due is None


def test_annual_review_exit_and_visit_catching_relapse(world):
    file = walk_to_filed(world.chair, world.wujin_admin, make_file(world.chair, world.wujin_union))
    with actor(world.chair):
        file = services_hardship.hardship_annual_review(
            user=world.chair, file=file, on=TODAY, level="relative", note="病情稳定"
        )
        assert file.level == "relative" and file.review_due == TODAY.replace(year=TODAY.year + 1)
        with pytest.raises(ValidationError, match="退档原因"):
            services_hardship.hardship_exit(user=world.chair, file=file, resolved=False, on=TODAY, reason="")
        file = services_hardship.hardship_exit(user=world.chair, file=file, resolved=False, on=TODAY, reason="调离本市")
        services_hardship.hardship_visit(user=world.chair, file=file, on=TODAY, note="再次失业", relapsed=True)
    assert file.state == "closed" and file.events.filter(kind="visit", relapsed=True).exists()


def test_steps_respect_scope_and_state(world):
    file = make_file(world.chair, world.wujin_union)
    with actor(world.tianning_admin), pytest.raises(Exception) as refused:
        services_hardship.hardship_review(user=world.tianning_admin, file=file, passed=True, on=TODAY, opinion="x")
    assert refused.type.__name__ == "Http404"
    with actor(world.chair), pytest.raises(ValidationError, match="不能办理「入户调查」"):
        services_hardship.hardship_survey(
            user=world.chair, file=file, on=TODAY, investigators="张三、李四", findings="x", signed_form=scan()
        )
    with actor(world.chair), pytest.raises(PermissionDenied):
        make_file(world.chair, world.tianning_union, serial=3)


def test_member_is_linked_when_there_is_one(world):
    from tests.members.helpers import add_member

    member = add_member(world, world.wujin_union, name="王建国", serial=77)
    number = member.reveal_id_number()
    with actor(world.chair):
        file = services_hardship.hardship_file_create(
            user=world.chair, data={**file_data(world.wujin_union), "id_number": number}
        )
    assert file.member == Member.objects.get(pk=member.pk)


def test_lookup_overdue_and_statistics(world):
    late = make_file(world.chair, world.wujin_union, serial=1)
    walk_to_filed(world.chair, world.wujin_admin, make_file(world.chair, world.wujin_union, serial=2))
    make_file(world.tianning_admin, world.tianning_union, serial=3, applied_on=TODAY)
    condition = selectors_hardship.exact_lookup_q(id_no(1))
    assert list(selectors_hardship.files_for(world.city_admin).filter(condition)) == [late]
    assert list(selectors_hardship.files_for(world.tianning_admin).filter(condition)) == []
    phone = selectors_hardship.exact_lookup_q("13900000001")
    assert list(selectors_hardship.files_for(world.city_admin).filter(phone)) == [late]
    assert selectors_hardship.exact_lookup_q("王建国") is None
    assert list(selectors_hardship.overdue_files(world.city_admin, TODAY)) == [late]
    stats = selectors_hardship.statistics(world.city_admin, world.city)
    assert stats["filed"] == 1 and dict(stats["levels"])["深度困难"] == 1 and dict(stats["causes"])["疾病"] == 1
    units = {row["org"].name: row for row in stats["units"]}
    assert units["武进区总工会"]["filed"] == 1 and units["天宁区总工会"]["pending"] == 1
    assert selectors_hardship.statistics(world.tianning_admin, world.tianning)["filed"] == 0


def test_sensitive_permission_is_scoped(world):
    file = make_file(world.chair, world.wujin_union)
    assert selectors_hardship.may_view_sensitive(world.wujin_admin, file)
    assert not selectors_hardship.may_view_sensitive(world.tianning_admin, file)
    from tests.world import make_user

    leader = make_user("leader", world.wujin, "leader")
    assert selectors_hardship.files_for(leader).filter(pk=file.pk).exists()
    assert not selectors_hardship.may_view_sensitive(leader, file)
