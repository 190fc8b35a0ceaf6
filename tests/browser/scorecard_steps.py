"""Browser steps shared by tests: build a scorecard with every extension in the builder, as a
manager does, and publish it.

`build_extended_scorecard(page, name)` expects `page` logged in as a builder (manager, admin or
QA) and returns, on the published version's page, the version's id. The scorecard it builds:

    1 Etiquette, weight 60
        1.1 Hold needed (yes/no, 1 point)
        1.2 Asks before holding (5 points), shown only when 1.1 = Yes
        1.3 Closes the call (5 points), fails its section, comment required when points are lost
    2 Resolution, weight 40
        2.1 Resolves the issue (10 points)
    3 Extra mile, bonus section, weight 10
        3.1 Goes beyond (5 points)
    Root causes: "Did not follow the procedure" (the agent's), "System outage" (not the agent's)
"""

from __future__ import annotations

import re

ROOT_CAUSES = (("Did not follow the procedure", True), ("System outage", False))


def section(page, n):
    return page.locator("fieldset.sc-section").nth(n)


def criterion(page, s, c):
    return section(page, s).locator("li.sc-criterion").nth(c)


def fill_criterion(item, text: str, points: int) -> None:
    item.get_by_label("Criterion", exact=True).fill(text)
    item.get_by_label("Points", exact=True).fill(str(points))


def add_section(page, n: int, title: str, weight: int):
    from playwright.sync_api import expect

    page.get_by_role("button", name="Add a section").click()
    new = section(page, n)
    expect(new.get_by_label("Title", exact=True)).to_be_focused()
    new.get_by_label("Title", exact=True).fill(title)
    new.get_by_label("Weight (%)", exact=True).fill(str(weight))
    return new


def add_criterion(page, s: int, title: str):
    from playwright.sync_api import expect

    page.get_by_role("button", name=f"Add a criterion to “{title}”").click()
    added = section(page, s).locator("li.sc-criterion").last
    expect(added.get_by_label("Criterion", exact=True)).to_be_focused()
    return added


def build_extended_scorecard(page, name: str) -> int:
    """Create scorecard `name` from the list page, build it in the builder, save, publish; returns
    the published version's id (the page is then on that version's page)."""
    from playwright.sync_api import expect

    page.goto("/scorecards/")
    page.get_by_label("Name:", exact=True).fill(name)
    page.get_by_role("button", name="Create scorecard").click()
    page.wait_for_url("**/edit/")
    weight_sum = page.locator("#weight-sum")

    add_section(page, 0, "Etiquette", 60)
    fill_criterion(criterion(page, 0, 0), "Hold needed", 1)
    # The first criterion of the form has nothing earlier to depend on.
    expect(criterion(page, 0, 0).get_by_label("Shown only when", exact=True)).to_have_count(0)
    asks = add_criterion(page, 0, "Etiquette")
    fill_criterion(asks, "Asks before holding", 5)
    answer = asks.get_by_label("has the answer", exact=True)
    expect(answer).to_be_disabled()
    asks.get_by_label("Shown only when", exact=True).select_option(label="1.1 Hold needed")
    expect(answer).to_be_enabled()
    answer.select_option(label="Yes")
    closing = add_criterion(page, 0, "Etiquette")
    fill_criterion(closing, "Closes the call", 5)
    closing.get_by_label("Fails its section", exact=True).check()
    closing.get_by_label("Comment required when points are lost", exact=True).check()

    add_section(page, 1, "Resolution", 40)
    fill_criterion(criterion(page, 1, 0), "Resolves the issue", 10)
    expect(weight_sum).to_have_class("sc-weight-sum ok")

    bonus = add_section(page, 2, "Extra mile", 10)
    # Not yet a bonus: its 10 counts in the 100.
    expect(weight_sum).to_contain_text("110 / 100")
    bonus.get_by_label("Bonus section", exact=True).check()
    expect(weight_sum).to_contain_text("100 / 100 (correct) · bonus sections: a score may reach 100 + 10")
    expect(weight_sum).to_have_class("sc-weight-sum ok")
    fill_criterion(criterion(page, 2, 0), "Goes beyond", 5)

    causes = page.locator("#causes li.sc-cause")
    for i, (text, agents) in enumerate(ROOT_CAUSES):
        page.get_by_role("button", name="Add a root cause").click()
        row = causes.nth(i)
        expect(row.get_by_label("Root cause", exact=True)).to_be_focused()
        page.keyboard.type(text)
        own = row.get_by_label("Within the agent's control", exact=True)
        expect(own).to_be_checked()
        if not agents:
            own.uncheck()

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#save-status")).to_have_text("Saved.")
    expect(page.locator("#problem-list")).to_have_text("Ready to publish.")
    page.get_by_role("button", name=re.compile(r"^Publish v\d+$")).click()
    page.wait_for_url(re.compile(r"/scorecards/versions/\d+/$"))
    expect(page.get_by_text("This version is published and can no longer change")).to_be_visible()
    return int(re.search(r"/scorecards/versions/(\d+)/$", page.url).group(1))
