"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium).

Never `playwright install` (its download is blocked here): the tests launch the system
Chromium and skip, with the reason, when it is missing (`make browsers` installs it).
Playwright's sync API runs an event loop in the test thread, so Django's async-safety check
would refuse the test's own ORM calls; the tests are synchronous, hence DJANGO_ALLOW_ASYNC_UNSAFE.
"""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # The tests press play from a script, as a person would with the player's button.
    "--autoplay-policy=no-user-gesture-required",
]
TIMEOUT_MS = 15_000


@pytest.fixture
def browser():
    # Function-scoped: one Playwright at a time, whatever other browser tests start themselves.
    if not CHROMIUM.exists():
        pytest.skip(f"browser test: {CHROMIUM} is missing (install Debian's chromium, e.g. `make browsers`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """A factory of pages, each in its own browser context (its own cookies: its own login)."""
    contexts = []

    def make():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1440, "height": 1000}, locale="en-US"
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.errors = []  # uncaught JavaScript errors, asserted empty by the tests
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.wait_for_function = functools.partial(wait_for_function, page)
        return page

    yield make
    for context in contexts:
        context.close()


def wait_for_function(page, expression: str, arg=None, *, timeout: float | None = None, polling=None) -> None:
    """Page.wait_for_function, within the site's Content-Security-Policy: Playwright's own polls
    by `eval` inside the page, which a policy without 'unsafe-eval' refuses (after a first try
    that may pass by luck), whereas page.evaluate goes through the DevTools protocol, which the
    policy does not govern. Same contract: returns once the expression is truthy, raises on
    timeout. Keeping the CSP on here means every browser test also runs under it."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + (TIMEOUT_MS if timeout is None else timeout) / 1000
    while True:
        try:
            if page.evaluate(expression, arg):
                return
        except Error as exc:
            # A navigation under way (Back reloads the page): ask the next document, as
            # Playwright's own wait does.
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(polling if isinstance(polling, int | float) else 50)


def log_in(page, username: str, password: str = "pw") -> None:
    """Through the login form, as a person does."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def open_from_menu(page, label: str) -> None:
    """Follow the main menu's entry `label` as a person does: a grouped menu's entry sits in its
    group's dropdown (templates/nav_items.html), which is opened first."""
    menu = page.locator("nav[aria-label='Main']")
    # A closed dropdown's links are hidden, so out of the accessibility tree until it opens.
    hidden = page.get_by_role("link", name=label, exact=True, include_hidden=True)  # `has` looks inside
    group = menu.locator("details[data-nav-menu]", has=hidden)
    if group.count() and not group.evaluate("details => details.open"):
        group.locator("summary").click()
    menu.get_by_role("link", name=label, exact=True).click()
