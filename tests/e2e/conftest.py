"""Browser tests: a real Chromium (Debian's /usr/bin/chromium) driven by Playwright against `live_server`."""

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="package", autouse=True)
def _allow_orm_under_playwright() -> Iterator[None]:
    # Playwright's sync API keeps an asyncio loop on the test's thread; the ORM calls made by the test (and by
    # pytest-django's flush) are still synchronous, so Django's async-safety guard is lifted for this folder only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite() -> Iterator[None]:
    """On SQLite the live server's request threads all use the test's one in-memory connection (Django shares it, the
    database lives only in it); a page that fetches two panels at once then had two threads inside that connection,
    and one of them failed (an HTTP 500 seen once in CI). The server still answers on threads, so a browser's
    keep-alive connections never block it, but the application runs one request at a time, its body read whole."""
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor != "sqlite":
        yield
        return
    original = LiveServerThread.server_class

    class OneAtATime(original):  # type: ignore[misc, valid-type]
        lock = threading.Lock()

        def set_app(self, application: Callable[..., Iterable[bytes]]) -> None:
            def serialised(environ: dict[str, object], start_response: Callable[..., object]) -> list[bytes]:
                with self.lock:
                    result = application(environ, start_response)
                    try:
                        return [b"".join(result)]
                    finally:
                        close = getattr(result, "close", None)
                        if close is not None:
                            close()

            super().set_app(serialised)

    LiveServerThread.server_class = OneAtATime
    yield
    LiveServerThread.server_class = original


@pytest.fixture(scope="package")
def browser(_allow_orm_under_playwright: None) -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def watched(page) -> tuple[object, object]:
    """The page, and what goes wrong on it (`test_csp_browser.Problems`): policy violations, console errors, uncaught
    errors and failed requests."""
    from tests.e2e.test_csp_browser import REPORT_VIOLATIONS, Problems, on_console, on_response

    problems = Problems()
    page.expose_function("reportCspViolation", lambda text: problems.add("CSP violation", text))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: on_console(problems, message))
    page.on("pageerror", lambda error: problems.add("uncaught", str(error)))
    page.on("response", lambda response: on_response(problems, response))
    return page, problems
