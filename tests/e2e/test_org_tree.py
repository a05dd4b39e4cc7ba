"""组织架构 in a real browser: a county administrator sees only the county's subtree."""

import pytest

from gonghui.orgs.models import Organization

pytestmark = pytest.mark.e2e

SCREENSHOT = "/tmp/e2e-tree.png"


def tree_node(page, name):
    """The <li> of the tree node whose own link (not a descendant's) is ``name``."""
    return page.locator("#org-tree li").filter(has=page.locator(":scope > .node > a", has_text=name)).first


def test_county_admin_sees_only_own_subtree(page, demo_city, log_in):
    wujin = Organization.objects.get(code="GH320412")
    hutang = Organization.objects.get(code="GH320412-01")
    first_union = Organization.objects.get(code="GH320412-01-001")
    tianning = Organization.objects.get(code="GH320402")
    tianning_town = Organization.objects.get(code="GH320402-01")

    log_in(page, "wujin_admin")
    page.get_by_role("link", name="组织架构").first.click()
    page.wait_for_url("**/orgs/")
    # The front-end libraries load from the live server's static files.
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("typeof window.Alpine") == "object"

    top = page.locator("#org-tree > li")
    assert top.count() == 1
    assert top.locator(":scope > .node > a").inner_text() == "武进区总工会"
    assert top.get_attribute("data-org") == str(wujin.pk)

    # Expand the county (children load lazily through HTMX), then a town.
    with page.expect_response(f"**/orgs/{wujin.pk}/children/"):
        tree_node(page, "武进区总工会").locator(":scope > .node > button.toggle").click()
    town = tree_node(page, hutang.name)
    town.wait_for(state="visible")
    assert page.locator(f'#org-tree li[data-org="{wujin.pk}"] > ul > li').count() == 15  # 14 towns/parks + 网上之家
    with page.expect_response(f"**/orgs/{hutang.pk}/children/"):
        town.locator(":scope > .node > button.toggle").click()
    tree_node(page, first_union.name).wait_for(state="visible")
    page.screenshot(path=SCREENSHOT, full_page=True)

    html = page.content()
    for hidden in ("天宁区总工会", "常州市总工会", tianning_town.name):
        assert hidden not in html
    assert not page.js_errors

    # Another county's page and API answer 404 in the same session.
    other_page = page.goto(f"/orgs/{tianning.pk}/")
    assert other_page.status == 404
    assert "天宁区总工会" not in page.content()
    assert page.request.get(f"/api/orgs/{tianning.pk}").status == 404
    assert page.request.get(f"/api/orgs/{tianning.pk}/children").status == 404
    own = page.request.get(f"/api/orgs/{wujin.pk}")
    assert own.status == 200 and own.json()["name"] == "武进区总工会"


def test_phone_menu_toggle_opens_the_sidebar(phone_page, demo_city, log_in):
    page = phone_page
    log_in(page, "wujin_admin")
    page.goto("/orgs/")
    sidebar = page.locator("aside.sidebar")
    toggle = page.get_by_role("button", name="菜单")
    assert toggle.is_visible()
    assert not sidebar.is_visible()

    toggle.click()
    sidebar.wait_for(state="visible")
    assert "open" in sidebar.get_attribute("class")
    box = sidebar.bounding_box()
    assert box["x"] == 0 and box["width"] <= 390
    page.screenshot(path="/tmp/e2e-phone-menu.png")

    sidebar.get_by_role("link", name="用人单位").click()
    page.wait_for_url("**/orgs/employers/")
    assert not page.locator("aside.sidebar").is_visible()  # a new page starts with the menu closed
    assert not page.js_errors
