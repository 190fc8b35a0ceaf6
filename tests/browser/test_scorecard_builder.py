"""The scorecard builder in a real Chromium: build two sections, watch the weight sum, save, fix a
weight the server refused (shown next to its input), reorder with the keyboard, publish.

Fixtures are local to this file (tests/browser/conftest.py belongs to the shared browser setup).
"""

import os
import re

import pytest

from scoring.models import Scorecard, ScorecardVersion, VersionStatus
from tests import factories as f
from tests.browser.conftest import log_in

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "/tmp")

pytestmark = pytest.mark.browser


@pytest.fixture
def builder_page(new_page):
    page = new_page()
    page.problems = page.errors
    # Script errors only: failed requests (the favicon, the deliberate 400) are logged too.
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and not msg.text.startswith("Failed to load resource")
            and page.problems.append(msg.text)
        ),
    )
    return page


def section(page, n):
    return page.locator("fieldset.sc-section").nth(n)


@pytest.mark.django_db(transaction=True)
def test_a_qa_auditor_builds_saves_fixes_and_publishes_a_scorecard(builder_page):
    page = builder_page
    from playwright.sync_api import expect

    f.UserFactory(username="qa_builder", roles=["qa"])
    f.LineOfBusinessFactory(code="billing", name="Billing")
    f.LineOfBusinessFactory(code="tech", name="Technical support")
    log_in(page, "qa_builder")

    # The list page's form creates the scorecard and opens the builder on its empty draft v1.
    page.goto("/scorecards/")
    page.get_by_label("Name:", exact=True).fill("Billing QA")
    page.get_by_label("Billing", exact=True).check()
    page.get_by_role("button", name="Create scorecard").click()
    page.wait_for_url("**/edit/")
    scorecard = Scorecard.objects.get(name="Billing QA")
    draft = scorecard.versions.get()
    assert page.url.endswith(f"/scorecards/versions/{draft.pk}/edit/")
    assert [lob.code for lob in scorecard.lines_of_business.all()] == ["billing"]
    expect(page.get_by_text("No sections yet")).to_be_visible()

    # Section 1: the new section takes the remaining weight (100) and starts with one criterion.
    page.get_by_role("button", name="Add a section").click()
    first = section(page, 0)
    expect(first.get_by_label("Title", exact=True)).to_be_focused()
    page.keyboard.type("Etiquette")
    expect(first.get_by_label("Weight (%)", exact=True)).to_have_value("100")
    expect(page.locator("#weight-sum")).to_have_class("sc-weight-sum ok")
    first.get_by_label("Weight (%)", exact=True).fill("30")
    first.get_by_label("Criterion", exact=True).fill("Greets the customer by name")
    first.get_by_label("Points", exact=True).fill("5")
    first.get_by_label("Category", exact=True).select_option("etiquette")
    first.get_by_label("Guidance for the evaluator", exact=True).fill("Within the first 10 seconds.")
    expect(page.locator("#weight-sum")).to_contain_text("30 / 100")
    expect(page.locator("#weight-sum")).to_have_class("sc-weight-sum bad")

    # Section 2: a scale criterion and a critical one.
    page.get_by_role("button", name="Add a section").click()
    second = section(page, 1)
    expect(second.get_by_label("Weight (%)", exact=True)).to_have_value("70")
    second.get_by_label("Title", exact=True).fill("Resolution")
    second.get_by_label("Weight (%)", exact=True).fill("60")
    second.get_by_label("Criterion", exact=True).fill("Explains the bill clearly")
    expect(second.get_by_label("Scale maximum (k)", exact=True)).to_be_disabled()
    second.get_by_label("Type", exact=True).select_option("scale")
    expect(second.get_by_label("Scale maximum (k)", exact=True)).to_be_enabled()
    second.get_by_label("Scale maximum (k)", exact=True).fill("4")
    second.get_by_label("Points", exact=True).fill("10")
    second.get_by_label("N/A allowed", exact=True).check()
    second.get_by_role("button", name="Add a criterion to “Resolution”").click()
    critical = second.locator("li.sc-criterion").nth(1)
    expect(critical.get_by_label("Criterion", exact=True)).to_be_focused()
    page.keyboard.type("Gives correct information")
    critical.get_by_label("Points", exact=True).fill("10")
    critical.get_by_label("Category", exact=True).select_option("knowledge")
    critical.get_by_label("Critical", exact=True).check()
    expect(page.locator("#weight-sum")).to_contain_text("90 / 100")
    expect(page.locator("#weight-sum")).to_have_class("sc-weight-sum bad")

    # Saving with 90 % works (a draft may be incomplete) and says what stops publishing.
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#save-status")).to_have_text("Saved.")
    expect(page.locator("#problem-list")).to_contain_text("Section weights add up to 90")

    # A weight the server refuses is shown next to its input.
    second.get_by_label("Weight (%)", exact=True).fill("0")
    page.get_by_role("button", name="Save draft").click()
    weight = second.get_by_label("Weight (%)", exact=True)
    expect(weight).to_have_attribute("aria-invalid", "true")
    error_id = weight.get_attribute("id") + "-error"
    expect(weight).to_have_attribute("aria-describedby", error_id)
    expect(second.locator(f"#{error_id}")).to_have_text("A weight is a whole number from 1 to 100.")
    expect(weight).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Section 2 · Resolution › Weight (%)")
    page.screenshot(path=f"{SCREENSHOTS}/scorecard_builder_error.png", full_page=True)

    weight.fill("70")
    expect(weight).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#weight-sum")).to_have_class("sc-weight-sum ok")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#save-status")).to_have_text("Saved.")
    expect(page.locator("#problem-list")).to_have_text("Ready to publish.")
    expect(page.locator(".sc-error")).to_have_count(0)

    # Reorder with the keyboard: the focus follows the moved section.
    second.get_by_role("button", name="Move section “Resolution” up").focus()
    page.keyboard.press("Enter")
    expect(section(page, 0).get_by_label("Title", exact=True)).to_have_value("Resolution")
    moved = section(page, 0).get_by_role("button", name="Move section “Resolution” down")
    expect(moved).to_be_focused()
    page.keyboard.press("Enter")
    expect(section(page, 1).get_by_label("Title", exact=True)).to_have_value("Resolution")
    expect(page.locator("#save-status")).to_have_text("Unsaved changes.")
    # Move the critical criterion above the scale one, then save with the rest.
    section(page, 1).get_by_role("button", name="Move criterion “Gives correct information” up").click()
    page.get_by_label("What changed", exact=True).fill("First version")
    page.screenshot(path=f"{SCREENSHOTS}/scorecard_builder.png", full_page=True)

    # Publish saves the pending change first, then lands on the read-only version page.
    page.get_by_role("button", name="Publish v1").click()
    page.wait_for_url(f"**/scorecards/versions/{draft.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Billing QA, version 1")
    expect(page.get_by_text("This version is published and can no longer change")).to_be_visible()
    page.screenshot(path=f"{SCREENSHOTS}/scorecard_version.png", full_page=True)

    version = ScorecardVersion.objects.get(pk=draft.pk)
    assert version.status == VersionStatus.PUBLISHED
    assert version.notes == "First version"
    sections = list(version.sections.order_by("position"))
    assert [(s.title, s.weight) for s in sections] == [("Etiquette", 30), ("Resolution", 70)]
    criteria = list(sections[1].criteria.order_by("position"))
    assert [(c.text, c.kind, c.scale_max, c.points, c.critical, c.allow_na) for c in criteria] == [
        ("Gives correct information", "yes_no", 1, 10, True, False),
        ("Explains the bill clearly", "scale", 4, 10, False, True),
    ]
    assert sections[0].criteria.get().guidance == "Within the first 10 seconds."

    # The published version's builder URL now says it is immutable.
    page.goto(f"/scorecards/versions/{draft.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("cannot be changed")
    expect(page.locator("#builder")).to_have_count(0)
    page.goto(f"/scorecards/{scorecard.pk}/")
    expect(page.get_by_role("button", name="Start a new draft from v1")).to_be_visible()
    page.goto("/scorecards/")
    expect(page.get_by_role("link", name="Billing QA")).to_be_visible()
    page.screenshot(path=f"{SCREENSHOTS}/scorecard_list.png", full_page=True)
    assert page.problems == []


@pytest.mark.django_db(transaction=True)
def test_a_manager_builds_and_publishes_a_scorecard_with_every_extension(builder_page):
    from playwright.sync_api import expect

    from tests.browser.scorecard_steps import build_extended_scorecard

    page = builder_page
    f.UserFactory(username="mgr_builder", roles=["manager"])
    log_in(page, "mgr_builder")
    version_id = build_extended_scorecard(page, "Care QA")

    # The published version's page shows what was built.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Care QA, version 1")
    expect(page.get_by_role("heading", name=re.compile("Extra mile"))).to_contain_text("bonus section")
    expect(page.get_by_text("bonus sections: a score may reach 100 + 10")).to_be_visible()
    expect(page.get_by_text("Shown only when 1.1 “Hold needed” = Yes")).to_be_visible()
    closing = page.get_by_role("row", name=re.compile("Closes the call"))
    expect(closing).to_contain_text("fails its section")
    expect(closing).to_contain_text("required")
    causes = page.locator("section.sc-causes-view tbody tr")
    expect(causes).to_have_count(2)
    expect(causes.nth(0)).to_contain_text("Did not follow the procedure")
    expect(causes.nth(0)).to_contain_text("the agent's")
    expect(causes.nth(1)).to_contain_text("System outage")
    expect(causes.nth(1)).to_contain_text("the process's")
    page.screenshot(path=f"{SCREENSHOTS}/scorecard_version_extended.png", full_page=True)

    version = ScorecardVersion.objects.get(pk=version_id)
    assert version.status == VersionStatus.PUBLISHED
    sections = list(version.sections.order_by("position"))
    assert [(s.title, s.weight, s.bonus) for s in sections] == [
        ("Etiquette", 60, False),
        ("Resolution", 40, False),
        ("Extra mile", 10, True),
    ]
    hold, asks, closing_row = sections[0].criteria.order_by("position")
    assert (asks.shown_when_criterion_id, asks.shown_when_value) == (hold.pk, 1)
    assert (closing_row.section_fail, closing_row.comment_on_loss) == (True, True)
    assert [(c.text, c.agent_controllable) for c in version.root_causes.order_by("position")] == [
        ("Did not follow the procedure", True),
        ("System outage", False),
    ]
    assert page.problems == []


@pytest.mark.django_db(transaction=True)
def test_reordering_or_removing_a_trigger_drops_the_condition_and_says_so(builder_page):
    from playwright.sync_api import expect

    from scoring import services
    from tests.scoring.test_scorecard_api_extensions import extended

    page = builder_page
    manager = f.UserFactory(username="mgr_reorder", roles=["manager"])
    scorecard = services.scorecard_create(name="Care QA", by=manager)
    draft = scorecard.versions.get()
    services.scorecard_draft_save(version=draft, structure=extended(), by=manager)
    log_in(page, "mgr_reorder")
    page.goto(f"/scorecards/versions/{draft.pk}/edit/")
    notice = page.locator("#condition-notice")
    expect(notice).to_be_hidden()
    asks = section(page, 0).locator("li.sc-criterion").nth(1)
    expect(asks.get_by_label("Shown only when", exact=True)).to_have_value(
        page.locator("li.sc-criterion").nth(0).get_attribute("data-ckey")
    )
    expect(asks.get_by_label("has the answer", exact=True)).to_have_value("1")
    page.screenshot(path=f"{SCREENSHOTS}/scorecard_builder_extended.png", full_page=True)

    # Moving the whole Resolution section first keeps its condition (renumbered, still earlier).
    section(page, 1).get_by_role("button", name="Move section “Resolution” up").click()
    expect(notice).to_be_hidden()
    callback = section(page, 0).locator("li.sc-criterion").nth(1)
    expect(callback.get_by_label("Shown only when", exact=True).locator("option:checked")).to_have_text("1.1 Explains")

    # Moving "Hold needed" below the criterion that depends on it drops that condition.
    section(page, 1).get_by_role("button", name="Move criterion “Hold needed” down").click()
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(
        "“Asks before holding” is now always shown: “Hold needed”, which it depended on, no longer comes before it."
    )
    asks = section(page, 1).locator("li.sc-criterion").nth(0)
    expect(asks.get_by_label("Shown only when", exact=True)).to_have_value("")
    expect(asks.get_by_label("has the answer", exact=True)).to_be_disabled()

    # Removing a trigger drops the conditions that named it.
    section(page, 0).get_by_role("button", name="Remove criterion “Explains”").click()
    expect(notice).to_contain_text(
        "“Offers a callback” is now always shown: “Explains”, which it depended on, was removed."
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#save-status")).to_have_text("Saved.")
    from scoring.models import Criterion

    assert not Criterion.objects.filter(section__version=draft, shown_when_criterion__isnull=False).exists()
    assert page.problems == []
