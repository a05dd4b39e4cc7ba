"""建会 in a real browser: from a lead (an employer of 150 staff without a union) through application,
approval to prepare, member assembly, election results and final approval, to the new union in the tree."""

from __future__ import annotations

import pytest

from gonghui.orgs.models import Organization
from gonghui.orgs.models_establishment import EstablishmentCase
from tests.world import PASSWORD, build_world, make_employer

pytestmark = pytest.mark.e2e

SCREENSHOT = "/tmp/e2e-establishment.png"


@pytest.fixture
def world_db(transactional_db):
    return build_world()


def tree_node(page, name):
    return page.locator("#org-tree li").filter(has=page.locator(":scope > .node > a", has_text=name)).first


def step(page, button: str, **fields):
    card = page.locator("#step-card")
    for label, value in fields.items():
        card.get_by_label(label).fill(value)
    card.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def test_establishment_from_lead_to_the_tree(page, world_db, log_in, tmp_path):
    world = world_db
    make_employer(world.hutang, 77, name="湖塘新星机械有限公司", staff_count=150, women_count=40)
    log_in(page, "wujin_admin", PASSWORD)
    page.get_by_role("link", name="建会线索").first.click()
    page.wait_for_url("**/orgs/establishments/leads/")
    row = page.locator("#leads tr", has_text="湖塘新星机械有限公司")
    assert "≥100 人" in row.inner_text()
    row.get_by_role("link", name="发起建会").click()
    page.wait_for_url("**/orgs/establishments/add/**")
    assert page.get_by_label("拟建工会名称").input_value() == "湖塘新星机械有限公司工会委员会"
    page.get_by_label("拟用组织编码").fill("T320412001077")
    page.get_by_label("申请联系人").fill("周立新")
    application = tmp_path / "建会申请书.pdf"
    application.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("申请材料").set_input_files(str(application))
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/orgs/establishments/*/")
    assert "已提交申请" in page.locator("#case-state").inner_text()
    assert "建会申请书.pdf" in page.locator("#steps").inner_text()

    step(page, "上级工会批复筹建", 办理意见="同意筹建")
    assert "已批复筹建" in page.locator("#case-state").inner_text()
    step(page, "召开会员(代表)大会")  # without the member count: a clear error, nothing saved
    assert "请填写参加建会的会员人数" in page.content()
    step(page, "召开会员(代表)大会", 会员人数="120")
    assert "已召开会员大会" in page.locator("#case-state").inner_text()
    step(page, "报送选举结果", 当选主席="许文静", 当选委员="丁一、马二")
    step(page, "上级工会批复成立")
    assert "已批复成立" in page.locator("#case-state").inner_text()
    union = EstablishmentCase.objects.get(union_code="T320412001077").created_union
    assert page.locator("#created-union").inner_text() == union.name
    assert not page.js_errors

    page.goto("/orgs/")
    with page.expect_response(f"**/orgs/{world.wujin.pk}/children/"):
        tree_node(page, "武进区总工会").locator(":scope > .node > button.toggle").click()
    town = tree_node(page, "湖塘镇工会")
    town.wait_for(state="visible")
    with page.expect_response(f"**/orgs/{world.hutang.pk}/children/"):
        town.locator(":scope > .node > button.toggle").click()
    node = tree_node(page, "湖塘新星机械有限公司工会委员会")
    node.wait_for(state="visible")
    page.screenshot(path=SCREENSHOT, full_page=True)
    node.locator(":scope > .node > a").click()
    page.wait_for_url(f"**/orgs/{union.pk}/")
    assert "许文静" in page.content()
    assert "丁一（委员）" in page.locator("#committee").inner_text()
    assert Organization.objects.get_parent(union).pk == world.hutang.pk

    # The other county cannot open the case.
    context = page.context.browser.new_context(base_url=page.url.split("/orgs/")[0])
    other = context.new_page()
    log_in(other, "tianning_admin", PASSWORD)
    case = EstablishmentCase.objects.get(union_code="T320412001077")
    assert other.goto(f"/orgs/establishments/{case.pk}/").status == 404
    context.close()
