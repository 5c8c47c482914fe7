"""The docs site opened in a real browser: Debian's headless Chromium, driven by Playwright
(which can run a browser already on the system, so nothing is downloaded). Every page is
served over HTTP from a fresh `mkdocs build` and must load with no console error, no failed
request, every image drawn, every internal link and anchor leading somewhere, and a copy
button on every code block; search must answer offline. A screenshot of each page is saved
to `runs/site_screenshots/` (or `$KERAS_WALK_SCREENSHOTS`)."""

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.helpers.scripts import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("KERAS_WALK_SCREENSHOTS", ROOT / "runs" / "site_screenshots"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built site, served on a free local port: `(folder, base_url)`."""
    folder = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(folder)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test reports failures itself
        pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright  # `make setup` installs it (dev extra)

    assert Path(CHROMIUM).is_file(), "no Chromium: `make setup` installs Debian's chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def _pages(folder: Path) -> list[str]:
    folders = (path.relative_to(folder).parent for path in folder.rglob("index.html"))
    return sorted("" if f == Path(".") else f.as_posix() + "/" for f in folders)


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_every_page_loads_clean_with_working_links_images_and_copy_buttons(site, browser):
    folder, base = site
    pages = _pages(folder)
    assert len(pages) > 40, pages
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"script: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"HTTP {r.status}: {r.url}"))
    for path in pages:
        errors.clear()
        page.goto(base + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        broken = page.evaluate(
            "Array.from(document.images)"
            ".filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
        )
        errors += [f"image not drawn: {src}" for src in broken]
        blocks = page.locator("div.highlight pre").count()
        # Material 9.8 draws `button.md-code__button[data-md-type=copy]`; older, .md-clipboard.
        buttons = page.locator(
            "div.highlight button[data-md-type='copy'], div.highlight button.md-clipboard"
        ).count()
        if buttons != blocks:
            errors.append(f"{blocks} code blocks but {buttons} copy buttons")
        for href in page.evaluate(
            "Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"
        ):
            errors += _link_problem(folder, base, href)
        name = path.strip("/").replace("/", "__") or "home"
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
        problems += [f"{path}: {error}" for error in errors]
    page.close()
    assert not problems, "\n".join(problems[:40])


@functools.cache
def _target_ids(file: Path) -> frozenset:
    return frozenset(_ids(file.read_text(errors="replace")))


def _link_problem(folder: Path, base: str, href: str) -> list[str]:
    """A broken internal link or anchor, as a message; external links are not followed
    (there is no network here)."""
    if not href.startswith(base):
        return []
    parts = urlsplit(href)
    target = folder / unquote(parts.path.removeprefix(urlsplit(base).path))
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    if not target.is_file():
        return [f"broken link: {href}"]
    if (
        parts.fragment
        and target.suffix == ".html"
        and unquote(parts.fragment) not in _target_ids(target)
    ):
        return [f"broken anchor: {href}"]
    return []


def test_search_finds_a_builder_offline(site, browser):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    _, base = site
    page = browser.new_page()
    page.goto(base, wait_until="load")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    results = page.locator(".md-search-result__item")
    # Typed key by key, as a reader types: a query set at once by `fill` is sometimes
    # never answered by Material's search. Typed again if the index was still loading.
    search = page.locator("input.md-search__input")
    for _ in range(9):
        search.fill("")
        search.press_sequentially("image_classifier", delay=20)
        try:
            results.first.wait_for(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            continue
    assert results.count() > 0
    assert "image_classifier" in page.locator(".md-search-result").inner_text()
    page.close()


def test_link_check_finds_missing_pages_and_anchors(tmp_path):
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "index.html").write_text('<h2 id="setup">Setup</h2>')
    base = "http://127.0.0.1:8000/"
    assert _link_problem(tmp_path, base, base + "guide/#setup") == []
    assert _link_problem(tmp_path, base, base + "guide/#missing") == [
        f"broken anchor: {base}guide/#missing"
    ]
    assert _link_problem(tmp_path, base, base + "nowhere/") == [f"broken link: {base}nowhere/"]
    assert _link_problem(tmp_path, base, "https://keras.io/") == []  # not followed offline
