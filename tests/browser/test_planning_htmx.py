"""htmx on the monitoring plan's pages, in a real Chromium: the quota progress table reloads in
place when filtered, sorted or paged (the URL follows, Back shows the page as it was), and a
manager reassigns from the work queue without leaving it — the row turns into the confirmation,
or shows the refusal beside its form.

The htmx answers themselves (a fragment, a row, their statuses) are checked with the test
client at the end, next to the browser flows they serve."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from monitoring.models import Assignment
from planning import periods
from tests import factories as f
from tests.browser.conftest import log_in
from tests.scoring.factories import ScoringPersonas

WEEK = periods.last_complete_week()
LABEL = periods.week_label(WEEK)
HTMX = {"HTTP_HX_REQUEST": "true"}

MARK = "window.__stillThisPage = true"
SAME_PAGE = "window.__stillThisPage === true"


def assign(call, evaluator, *, role="qa", reason="random") -> Assignment:
    return Assignment.objects.create(
        call=call,
        evaluator=evaluator,
        evaluator_role=role,
        reason=reason,
        inclusion_probability=0.1,
        period_start=WEEK,
        due_at=timezone.now() + dt.timedelta(days=2),
    )


@pytest.fixture
def plan():
    """Team A (Li Na) and Team B (Wang Wei), one call each in the last complete week, both
    routed to `qa`; `qa2` is the other auditor; `manager` reassigns."""
    lob = f.LineOfBusinessFactory(code="billing", name="Billing")
    team_a = f.TeamFactory(name="Team A")
    team_b = f.TeamFactory(name="Team B")
    for team in (team_a, team_b):
        team.lines_of_business.add(lob)
    f.UserFactory(username="manager", roles=["manager"])
    qa = f.UserFactory(username="qa", roles=["qa"])
    qa2 = f.UserFactory(username="qa2", roles=["qa"])
    li = f.AgentFactory(employee_id="E1", name="Li Na", team=team_a)
    wang = f.AgentFactory(employee_id="E2", name="Wang Wei", team=team_b)
    monday_noon = timezone.make_aware(dt.datetime.combine(WEEK, dt.time(12)))
    call_a = f.CallFactory(agent=li, line_of_business=lob, external_id="A-1", start_time=monday_noon)
    call_b = f.CallFactory(agent=wang, line_of_business=lob, external_id="B-1", start_time=monday_noon)
    return {
        "team_b": team_b,
        "qa2": qa2,
        "work_a": assign(call_a, qa),
        "work_b": assign(call_b, qa),
    }


def agent_names(page) -> list[str]:
    return page.locator("table.progress-table tbody tr td:first-child a").all_inner_texts()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_filtering_and_sorting_the_progress_table_stay_on_the_page(new_page, plan):
    page = new_page()
    log_in(page, "manager")
    page.goto(f"/quotas/progress/?week={LABEL}")
    assert sorted(agent_names(page)) == ["Li Na", "Wang Wei"]
    page.evaluate(MARK)

    # Choosing a team reloads the table alone; the URL says what is shown.
    page.get_by_label("Team", exact=True).select_option(label="Team B")
    page.wait_for_url(re.compile(rf"team={plan['team_b'].pk}"))
    page.wait_for_function("document.querySelector('#agent-table p.count').textContent.trim() === '1 agent'")
    assert agent_names(page) == ["Wang Wei"]
    assert page.evaluate(SAME_PAGE)
    assert page.inner_text("#agent-tiles .tile >> nth=0").startswith("1")  # the tiles count the filtered agents
    assert page.get_by_role("link", name="Clear filters").is_visible()

    # A sort header: still in place, and the filter is kept.
    page.get_by_role("link", name="Agent", exact=True).click()
    page.wait_for_url(re.compile(r"sort=agent"))
    page.wait_for_selector('th[aria-sort="ascending"] a#sort-agent')
    assert f"team={plan['team_b'].pk}" in page.url
    assert page.evaluate(SAME_PAGE)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'sort-agent'")  # keyboard stays

    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(re.compile(r"^(?!.*team=)"))
    page.wait_for_function("document.querySelectorAll('table.progress-table tbody tr').length === 2")
    assert sorted(agent_names(page)) == ["Li Na", "Wang Wei"]
    assert page.evaluate(SAME_PAGE)

    # Back loads the earlier URL as a page (no snapshot kept): the whole page, as it was then.
    page.go_back()
    page.wait_for_url(re.compile(rf"team={plan['team_b'].pk}&.*sort=agent"))
    page.wait_for_function("!window.__stillThisPage && document.readyState === 'complete'")
    assert page.locator("h2#lines").is_visible()
    assert agent_names(page) == ["Wang Wei"]
    assert page.errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_reassigns_from_the_queue_and_sees_the_outcome_in_the_row(new_page, plan):
    work_a, work_b, qa2 = plan["work_a"], plan["work_b"], plan["qa2"]
    page = new_page()
    log_in(page, "manager")
    page.goto("/queue/?evaluator=qa")
    page.evaluate(MARK)

    # Done: the row becomes the confirmation the page would have shown as a message.
    row_a = page.locator(f"#assignment-{work_a.pk}")
    row_a.get_by_label("Reassign call A-1 of Li Na to").select_option("qa2")
    row_a.get_by_role("button", name="Reassign").click()
    page.wait_for_selector(f"#assignment-{work_a.pk}.reassigned")
    assert page.inner_text(f"#assignment-{work_a.pk}") == "Call A-1 of Li Na now goes to qa2 (was qa)."
    assert page.evaluate(SAME_PAGE)
    assert page.url.endswith("/queue/?evaluator=qa")
    work_a.refresh_from_db()
    assert work_a.evaluator == qa2

    # Refused: qa2 picks up the other call meanwhile, so cannot take it from qa as well.
    row_b = page.locator(f"#assignment-{work_b.pk}")
    row_b.get_by_label("Reassign call B-1 of Wang Wei to").select_option("qa2")
    assign(work_b.call, qa2, reason="double_scoring")
    row_b.get_by_role("button", name="Reassign").click()
    error = page.locator(f"#assignment-{work_b.pk} .reassign-error")
    error.wait_for()
    assert error.inner_text() == "qa2 already holds this call (double scoring)."
    assert page.evaluate(SAME_PAGE)
    select = page.locator(f"#to-{work_b.pk}")
    assert select.get_attribute("aria-describedby") == f"to-{work_b.pk}-error"
    # Ready to choose again: htmx moves focus just after the swap, so wait for it.
    page.wait_for_function(f"document.activeElement && document.activeElement.id === 'to-{work_b.pk}'")
    assert "qa2" not in select.locator("option").all_inner_texts()[1:]  # no longer offered
    assert page.inner_text(f"#assignment-{work_b.pk} td >> nth=2").startswith("Wang Wei")  # the row is still there
    work_b.refresh_from_db()
    assert work_b.evaluator.username == "qa"

    # Nothing was left over for the next page: the outcomes were shown where they happened.
    page.reload()
    assert page.locator(".messages").count() == 0
    assert page.errors == []


# --- the htmx answers, with the test client ----------------------------------------------------


class HtmxAnswerTests(ScoringPersonas):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.work = assign(cls.call, cls.qa)  # Li Na, team A (led by `supervisor`)

    def reassign(self, user, to, **headers):
        self.client.force_login(user)
        return self.client.post(
            f"/assignments/{self.work.pk}/reassign/", {"to": to, "next": "/queue/?evaluator=qa"}, **headers
        )

    def test_the_progress_page_answers_htmx_with_the_agent_table_and_its_tiles(self):
        self.client.force_login(self.manager)
        response = self.client.get(f"/quotas/progress/?week={LABEL}&sort=agent", **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "planning/progress_agents.html")
        self.assertTemplateNotUsed(response, "planning/progress.html")
        body = response.content.decode()
        self.assertNotIn("<html", body)
        self.assertIn('id="agent-tiles" hx-swap-oob="true"', body)
        self.assertIn('aria-sort="ascending"', body)
        self.assertIn("HX-Request", response["Vary"])

    def test_the_progress_page_without_htmx_is_the_whole_page(self):
        self.client.force_login(self.manager)
        response = self.client.get(f"/quotas/progress/?week={LABEL}")
        self.assertTemplateUsed(response, "planning/progress.html")
        self.assertContains(response, 'hx-get="/quotas/progress/"')
        self.assertContains(response, f'href="?week={LABEL}&amp;sort=agent"')
        self.assertNotContains(response, "hx-swap-oob")
        self.assertIn("HX-Request", response["Vary"])

    def test_a_reassignment_from_the_row_answers_with_the_confirmation_row(self):
        response = self.reassign(self.manager, "qa2", **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Call A-1 of Li Na now goes to qa2 (was qa).")
        self.assertContains(response, f'id="assignment-{self.work.pk}"')
        self.work.refresh_from_db()
        self.assertEqual(self.work.evaluator, self.qa2)
        page = self.client.get("/queue/?evaluator=qa")  # the message is not shown a second time
        self.assertNotContains(page, "now goes to qa2")

    def test_a_refused_reassignment_from_the_row_keeps_its_status_and_is_marked_for_swapping(self):
        Assignment.objects.filter(pk=self.work.pk).update(started_at=timezone.now())
        response = self.reassign(self.manager, "qa2", **HTMX)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response["HX-Reswap"], "outerHTML")
        self.assertContains(response, "already started scoring", status_code=400)
        self.assertContains(response, "scoring started", status_code=400)
        self.assertNotContains(response, 'name="to"', status_code=400)
        self.assertNotContains(self.client.get("/queue/?evaluator=qa"), "already started scoring")

    def test_a_refusal_for_someone_who_may_not_see_the_call_shows_the_reason_alone(self):
        response = self.reassign(self.other_supervisor, "qa2", **HTMX)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response["HX-Reswap"], "outerHTML")
        self.assertContains(response, "your own teams", status_code=403)
        self.assertNotContains(response, "Li Na", status_code=403)
        self.assertNotContains(response, self.call.external_id, status_code=403)
        self.work.refresh_from_db()
        self.assertEqual(self.work.evaluator, self.qa)

    def test_without_htmx_the_row_form_still_posts_to_the_reassignment_page(self):
        response = self.reassign(self.manager, "qa2")
        self.assertRedirects(response, "/queue/?evaluator=qa", fetch_redirect_response=False)
        self.assertFalse(response.has_header("HX-Reswap"))
