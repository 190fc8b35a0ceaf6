"""The Chinese demo center in a real Chromium: each demo login, with the browser asking for
Chinese (Accept-Language zh-CN), logs in through the Chinese login page and lands on its work
with no English word on the page outside names, codes and numbers, and the characters are
drawn with a CJK font (fonts-noto-cjk, installed by `make browsers`), not as boxes.

A screenshot of each landing page is written to $QA_SCREENSHOTS (default: the test's tmp
directory) for a person to look at."""

from __future__ import annotations

import importlib
import io
import os
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from tests.browser.conftest import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = {"agents": 12, "weeks": 6, "calls_per_agent_week": 6, "seed": 7, "locale": "zh-hans"}
ROLES = ("manager", "qa", "supervisor", "trainer", "hr", "agent")
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

# Latin words a Chinese center writes as they are: the demo logins and the product's own name,
# codes and units, and the abbreviations Chinese QA staff use untranslated (see GLOSSARY.md).
ALLOWED = {
    # the demo logins, shown as the user menu's name when a login has no person's name
    *ROLES,
    # abbreviations used as is in Chinese call centers
    "QA",
    "CSAT",
    "KPI",
    "HR",
    "PDF",
    "CSV",
    "XLSX",
    "API",
    "ID",
    "SLA",
    "AHT",
    "FCR",
    "NPS",
    # ISO week and units
    "W",
    "s",
    "min",
    "MB",
    "KB",
    # the sample size beside every average (n = 12), as statistics is written in Chinese too
    "n",
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# What is not prose: call and employee codes (C-000123, E0042, INB), e-mail addresses and links.
CODE = re.compile(r"\b[A-Z0-9]+(?:[-_][A-Za-z0-9]+)+\b|\b[A-Z]*\d[A-Z0-9]*\b|\S+@\S+|https?://\S+|\b[A-Z]{2,4}\b")


def english_words(text: str) -> list[str]:
    stripped = CODE.sub(" ", text)
    return sorted({w for w in WORD.findall(stripped) if w not in ALLOWED})


def test_english_words_are_found_outside_codes_and_names():
    # The checker itself: prose is caught, codes and allowed abbreviations are not.
    assert english_words("通话 C-000123 由 E0042 处理，QA 平均 82.5 (n=12)") == []
    assert english_words("本周 2026-W48 · Score the call") == ["Score", "call", "the"]


@pytest.fixture
def chinese_demo(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # A fresh database has the migration's default performance setup (English names, renamed by
    # the Chinese seed); an earlier transactional test may have flushed it, so it is put back.
    importlib.import_module("reports.migrations.0002_default_performance_setup").create(apps, None)
    call_command("seed_demo", **DEMO, stdout=io.StringIO(), stderr=io.StringIO())


def test_each_demo_role_lands_on_a_chinese_page(browser, live_server, chinese_demo, tmp_path, subtests):
    if not CJK_FONT.exists():
        pytest.skip(f"{CJK_FONT} is missing (Debian's fonts-noto-cjk, installed by `make browsers`)")
    shots = Path(os.environ.get("QA_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for username in ROLES:
        with subtests.test(username=username):
            walk(browser, live_server, username, shots)


def walk(browser, live_server, username: str, shots: Path) -> None:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"script: {exc}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    try:
        # The login page follows the browser's language: nobody has logged in yet.
        page.goto("/accounts/login/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill("demo")
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state("networkidle")
        assert "/accounts/login/" not in page.url, f"{username} could not log in"
        assert page.locator("html").get_attribute("lang") == "zh-hans"

        text = page.locator("body").inner_text()
        assert re.search(r"[\u4e00-\u9fff]{20}", re.sub(r"\s", "", text)), f"{username}: little Chinese on {page.url}"
        found = english_words(text + " " + page.title())
        assert found == [], f"{username} on {page.url}: English words {found}"

        # The heading is drawn with the CJK font, not a fallback that shows boxes.
        fonts = drawn_fonts(page, "h1")
        assert any("CJK" in f for f in fonts), f"{username}: the heading is drawn with {fonts}"
        page.screenshot(path=str(shots / f"zh-hans-{username}.png"), full_page=True)
        assert problems == [], f"{username}: {problems}"
    finally:
        context.close()


def drawn_fonts(page, selector: str) -> list[str]:
    """The fonts Chromium actually used to draw the first `selector` (DevTools' CSS domain)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"no {selector} on {page.url}"
    used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [f["familyName"] for f in used]
