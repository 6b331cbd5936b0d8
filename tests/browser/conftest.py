"""Browser-test harness (reusable by every app): Playwright's sync API driving Debian's Chromium.

Fixtures:
- `chromium_browser` (session): the launched browser. Skips loudly when /usr/bin/chromium is
  missing — but fails instead when CI=true, so CI can never go green without running them.
- `phone_page`: a fresh page at 360x740 with touch, for `live_server.url + path`.
- `browser_page_factory`: make a page with any viewport, e.g. desktop dashboards.
A screenshot of every open page is saved to test-artifacts/<test name>.png when a test fails.
Mark browser tests `@pytest.mark.browser` and use pytest-django's `live_server`.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("TRUSTOS_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    """Remember each phase's report on the item so fixtures can tell a failed test."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        reason = (
            f"BROWSER TESTS NOT RUN: Chromium not found at {CHROMIUM}. "
            "Install Debian's chromium package (apt-get install chromium)."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
    # ORM calls from the test body ("You cannot call this from an async context").
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page_factory(
    chromium_browser: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []
    pages: list[Any] = []

    def make(viewport: dict[str, int] | None = None, **context_kwargs: Any) -> Any:
        ctx = chromium_browser.new_context(viewport=viewport or PHONE, **context_kwargs)
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        page = ctx.new_page()
        pages.append(page)
        return page

    yield make
    failed = any(
        getattr(request.node, f"rep_{phase}", None) is not None
        and getattr(request.node, f"rep_{phase}").failed
        for phase in ("setup", "call")
    )
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for i, page in enumerate(pages):
            try:
                page.screenshot(
                    path=str(ARTIFACTS / f"{name}{'-' + str(i) if i else ''}.png"), full_page=True
                )
            except Exception as exc:  # the page may be gone; the test already failed
                print(f"screenshot failed: {exc}")
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def phone_page(browser_page_factory: Callable[..., Any]) -> Any:
    """A touch-enabled page at 360x740, the smallest phone we support."""
    return browser_page_factory(PHONE, has_touch=True, is_mobile=True, device_scale_factor=2)
