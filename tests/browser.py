"""A real headless Chromium for the HTML pages' tests: Debian's `chromium`, driven by Selenium.

Selenium over Playwright: Debian packages `chromium-driver` built from the same source
as `chromium`, so driver and browser always match, and Selenium is a pure-Python wheel
that talks to that driver. Playwright pins its own Chromium build; pointing it at
another version is unsupported, and its wheel brings a Node.js runtime.

One browser per test module (a fixture built with `browser_fixture`): starting Chromium
costs about a second. The browser records its console and every request it makes, so
a test can say "no console errors" and "nothing fetched beyond these files".
Where Chromium or its driver is not installed, the tests skip and say how to install
them; `.ci/run` installs them, so CI runs these tests rather than skipping them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlparse

import pytest

INSTALL_HINT = "apt-get install -y chromium chromium-driver (as root), then pip install -e '.[dev]'"
ARTEFACTS = Path(__file__).resolve().parents[1] / "test-artefacts"  # screenshots, kept after the run


def _binary(*names: str) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


class Browser:
    """A Chromium session with the checks a page test needs."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    def open(self, path: Path) -> None:
        self._drain()  # the logs then hold this page's load and what follows
        self.driver.get(path.resolve().as_uri())

    def _drain(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return self.driver.get_log("browser"), self.driver.get_log("performance")

    def console_errors_and_requests(self) -> tuple[list[str], list[str]]:
        """Console messages of level SEVERE, and the URL of every request, since the last open."""
        console, performance = self._drain()
        errors = [entry["message"] for entry in console if entry.get("level") == "SEVERE"]
        requests = []
        for entry in performance:
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                requests.append(message["params"]["request"]["url"])
        return errors, requests

    def text(self, css: str) -> str:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def all_text(self, css: str) -> list[str]:
        from selenium.webdriver.common.by import By

        return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, css)]

    def element(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def screenshot(self, name: str, height: float | None = None) -> Path:
        """A full-page PNG under test-artefacts/ (kept for a person to look at); `height`:
        only the page's top, that many pixels."""
        import base64

        ARTEFACTS.mkdir(exist_ok=True)
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], height or size["height"]),
                     "scale": 1},
        })
        path = ARTEFACTS / f"{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


def files_fetched(requests: list[str]) -> list[Path]:
    """The requests as local paths; fails the test on any request that is not a local file."""
    outside = [u for u in requests if urlparse(u).scheme not in ("file", "data")]
    assert not outside, f"the page made network requests: {outside}"
    return [Path(unquote(urlparse(u).path)) for u in requests if urlparse(u).scheme == "file"]


def start_browser() -> Iterator[Browser]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip(f"browser tests need Selenium, which is not installed: {INSTALL_HINT}")
    browser = _binary("chromium", "chromium-browser")
    driver_path = _binary("chromedriver", "chromium.chromedriver")
    if browser is None or driver_path is None:
        pytest.skip(f"browser tests need Chromium and its driver, not installed here: {INSTALL_HINT}")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,900", "--no-first-run", "--disable-extensions",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # An explicit driver: Selenium Manager would otherwise try to download one.
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield Browser(driver)
    finally:
        driver.quit()
