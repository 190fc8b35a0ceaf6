"""The supervisor's dashboard in a real Chromium: opened from the menu on the latest month with
data, switched to another month and to one agent, and followed down to an evaluation. The
charts are server-drawn SVG that survive a CSP without inline style or script."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.utils import timezone

from monitoring.selectors import Period
from scoring.models import Evaluation
from tests import factories as f
from tests.browser.conftest import log_in, open_from_menu
from tests.reports.dashboard_month import GOOD, PERFECT, WEAK
from tests.scoring.factories import WORKED_ANSWERS, make_evaluation, make_scorecard_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOVEMBER, OCTOBER = Period(2026, 11), Period(2026, 10)
SCREENSHOT = "/tmp/dashboard.png"


def at(period: Period, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(period.year, period.month, day, 10, 30))


@pytest.fixture
def center():
    lob = f.LineOfBusinessFactory(code="billing", name="Billing")
    team = f.TeamFactory(name="Team A")
    other = f.TeamFactory(name="Team B")
    for t in (team, other):
        t.lines_of_business.add(lob)
    supervisor = f.UserFactory(username="supervisor", first_name="Sun", last_name="Li", roles=["supervisor"])
    team.supervisors.add(supervisor)
    qa = f.UserFactory(username="qa", roles=["qa"])
    li = f.AgentFactory(employee_id="E1", name="Li Na", team=team)
    zhao = f.AgentFactory(employee_id="E3", name="Zhao Lei", team=team)
    wang = f.AgentFactory(employee_id="E2", name="Wang Wei", team=other)
    version = make_scorecard_version(lines_of_business=lob, name="Billing QA")
    shift = f.ShiftFactory()
    plan = [
        (li, NOVEMBER, 3, PERFECT, 0.5),
        (li, NOVEMBER, 4, WORKED_ANSWERS, 0.25),
        (zhao, NOVEMBER, 5, WEAK, None),
        (zhao, NOVEMBER, 6, GOOD, 0.5),
        (wang, NOVEMBER, 7, WEAK, None),  # another team: never on this supervisor's dashboard
        (li, OCTOBER, 8, GOOD, None),
        (zhao, OCTOBER, 9, PERFECT, None),
    ]
    evaluations = []
    for index, (agent, period, day, answers, p) in enumerate(plan):
        call = f.CallFactory(
            agent=agent,
            line_of_business=lob,
            shift=shift,
            start_time=at(period, day),
            external_id=f"CALL-{index}",
            csat=1 + index % 5,
        )
        if p:
            f.AssignmentFactory(call=call, evaluator=qa, inclusion_probability=p)
        evaluations.append(make_evaluation(call=call, by=qa, version=version, values=answers))
    return {"li": li, "evaluations": evaluations}


def mean_of(evaluations) -> str:
    return f"{statistics.fmean(float(e.total) for e in evaluations):.1f}"


def test_a_supervisor_changes_month_and_scope_and_drills_down_to_an_evaluation(new_page, center):
    li = center["li"]
    page = new_page()
    log_in(page, "supervisor")

    # From the menu: the latest month with data, the supervisor's own teams only.
    open_from_menu(page, "QA dashboard")
    page.wait_for_url("**/dashboard/")
    heading = page.get_by_role("heading", level=1)
    assert "My teams" in heading.inner_text()
    assert "November 2026" in heading.inner_text()
    team_november = Evaluation.objects.filter(agent__team__name="Team A", call__start_time__gte=NOVEMBER.start)
    average = page.locator(".tile").filter(has_text="QA average")
    assert mean_of(team_november) in average.inner_text()
    assert "n = 4" in average.inner_text()
    assert "Wang Wei" not in page.locator("#scope").inner_text()

    # Charts: server-drawn SVG, labelled for screen readers, with their numbers in a table.
    trend = page.get_by_role("img", name="QA average by month").first
    assert trend.is_visible()
    page.get_by_text("The numbers").first.click()
    assert page.get_by_role("row", name=re.compile("October 2026")).first.is_visible()
    # Nothing the Content-Security-Policy forbids: no inline style, no inline script.
    assert page.evaluate("document.querySelectorAll('[style]').length") == 0
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Another month.
    page.fill("#month", "2026-10")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"month=2026-10"))
    assert "October 2026" in heading.inner_text()
    assert "n = 2" in page.locator(".tile").filter(has_text="QA average").inner_text()

    # One agent, back in November.
    page.fill("#month", "2026-11")
    page.select_option("#scope", label="Li Na (E1)")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(rf"scope=agent%3A{li.pk}|scope=agent:{li.pk}"))
    assert "Li Na (E1)" in heading.inner_text()
    li_november = Evaluation.objects.filter(agent=li, call__start_time__gte=NOVEMBER.start)
    assert mean_of(li_november) in page.locator(".tile").filter(has_text="QA average").inner_text()

    # Down to the evaluations behind the average, and into one of them.
    page.locator(".tile").filter(has_text="QA average").get_by_role("link").click()
    page.wait_for_url("**/evaluations/?*")
    assert "agent=E1" in page.url and "month=2026-11" in page.url
    rows = page.locator("table.data tbody tr")
    assert rows.count() == li_november.count() == 2  # Li Na's November, not October's
    assert page.locator("#id_month").input_value() == "2026-11"
    rows.first.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    shown = Evaluation.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert shown.agent == li
    assert page.errors == []


def test_hr_downloads_the_months_bonus_export_as_xlsx(new_page, center, tmp_path):
    f.UserFactory(username="hr", first_name="Hu", last_name="Rong", roles=["hr"])
    page = new_page()
    log_in(page, "hr")
    page.get_by_role("link", name="HR export").first.click()
    page.wait_for_url("**/hr/export/**")
    page.fill("#id_month", "2026-11")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:5] == ("Employee ID", "Name", "Team", "Month", "Row type")
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert set(by_id) == {"E1", "E2", "E3"}
    li = by_id["E1"]
    li_november = Evaluation.objects.filter(agent=center["li"], call__start_time__gte=NOVEMBER.start)
    assert li["Evaluations counted"] == 2
    # A typed number, the average rounded half-up to one decimal as everywhere in the product.
    expected = (sum(e.total for e in li_november) / 2).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert isinstance(li["QA average (agent score)"], float) and li["QA average (agent score)"] == float(expected)
    assert page.errors == []
