"""Day one for every demo role, in a real Chromium: each demo login (manager, qa, supervisor,
trainer, hr, agent) on a database `seed_demo` filled opens "/" at 1366 px and at 390 px and
gets its own work for the demo's latest month — with figures, not zeros — on a page that never
scrolls sideways, whose menu fits one row at 1366 px, with no console error and no 4xx/5xx
request (the favicon included)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from monitoring.models import Agent, Call
from monitoring.selectors import Period
from scoring.models import SCORED, Evaluation, Kind
from tests.browser.conftest import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)
# Six weeks always reach back into the previous month (HR's export month); few agents and calls
# keep the seeding short.
DEMO = {"agents": 12, "weeks": 6, "calls_per_agent_week": 6, "seed": 7}


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo", **DEMO, stdout=io.StringIO(), stderr=io.StringIO())
    latest = Evaluation.objects.filter(kind=Kind.REGULAR, status__in=SCORED).aggregate(m=Max("call__start_time"))["m"]
    day = timezone.localtime(latest).date()
    month = Period(day.year, day.month)
    return {
        "month": month,
        "calls": Call.objects.filter(start_time__gte=month.start, start_time__lt=month.end).count(),
    }


def number(text: str) -> int:
    found = re.search(r"\d+", text.replace(",", ""))
    assert found, f"no number in {text!r}"
    return int(found.group())


def big(page, tile_text: str) -> str:
    """The figure of the tile labelled `tile_text`."""
    return page.locator(".tile", has_text=tile_text).first.locator(".big").inner_text()


def check_manager(page, demo):
    assert page.url.endswith("/overview/")
    assert page.locator(".month-nav strong").inner_text() == demo["month"].label
    assert number(big(page, "calls")) == demo["calls"] > 0
    assert number(page.locator(".qa-picture .basis").first.inner_text()) > 0  # the QA average's n
    assert page.locator("table.data tbody tr", has_text="Inbound").count() == 1


def check_supervisor(page, demo):
    assert page.url.endswith("/teams/")
    assert page.locator("h1").inner_text() == "My teams"
    assert page.locator(".month-nav strong").inner_text() == demo["month"].label
    calls = [number(cell) for cell in page.locator("table.data tbody tr td:nth-child(6)").all_inner_texts()]
    assert calls and all(n > 0 for n in calls), calls
    assert number(page.locator(".qa-picture .basis").first.inner_text()) > 0


def check_evaluator(page, demo):
    assert page.url.endswith("/queue/")
    done, assigned = (number(part) for part in page.locator("#week-done .big").inner_text().split("/"))
    assert assigned > 0 and 0 <= done <= assigned
    assert number(page.locator("h2#assigned").inner_text()) > 0
    assert page.get_by_role("link", name=re.compile(r"Quota progress for \d{4}-W\d{2}")).count() == 1


def check_trainer(page, demo):
    # The coaching overview, with real work in each of its sections on first login.
    assert page.url.endswith("/coaching/")
    for table in ("#needs", "#plans", "#sessions", "#reviews"):
        assert page.locator(f"{table} tbody tr").count() > 0, table


def check_hr(page, demo):
    assert page.url.endswith("/hr/export/")
    assert number(page.locator("#export-agents .big").inner_text()) > 0
    assert number(page.locator("#export-evaluations .big").inner_text()) > 0


def check_agent(page, demo):
    agent = Agent.objects.get(user__username="agent")
    assert page.url.endswith(f"/performance/{agent.pk}/")
    assert page.locator(".month-nav strong").inner_text() == demo["month"].label
    assert number(big(page, "Evaluations counted")) > 0


CHECKS = {
    "manager": check_manager,
    "qa": check_evaluator,
    "supervisor": check_supervisor,
    "trainer": check_trainer,
    "hr": check_hr,
    "agent": check_agent,
}


def test_each_demo_role_lands_on_its_work_at_desktop_and_phone_width(browser, live_server, demo, subtests):
    # One seeded demo for all six logins; each login and width is its own subtest.
    for username, check in CHECKS.items():
        for width in WIDTHS:
            with subtests.test(username=username, width=width):
                walk_landing(browser, live_server, demo, username, width, check)


def walk_landing(browser, live_server, demo, username: str, width: int, check) -> None:
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda exc: problems.append(f"script: {exc}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("demo")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")
        assert "/accounts/login/" not in page.url, f"{username} could not log in"

        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{username} at {width} px: the page is {scroll} px wide"
        if width == 1366:
            tops = page.evaluate("[...document.querySelectorAll('.topbar nav > ul > li')].map(li => li.offsetTop)")
            assert tops and len(set(tops)) == 1, f"{username}: the menu wraps ({tops})"
        check(page, demo)
        # /favicon.ico, which browsers ask for whatever the page links, is there.
        assert page.request.get("/favicon.ico").status == 200
        assert problems == [], f"{username} at {width} px: {problems}"
    finally:
        context.close()
