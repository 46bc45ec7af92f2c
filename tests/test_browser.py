"""End to end in headless Chromium: the dashboard served by uvicorn on a loopback port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from tacitus.store import Store
    from tacitus.web import create_app
    from test_api import fill

    db = tmp_path_factory.mktemp("browser") / "events.db"
    with Store(db) as store:
        fill(store)
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


class Watch:
    """What a page did that it should not: dialogs, console errors, CSP violations."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, Watch]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    watch = Watch()

    def on_dialog(dialog: object) -> None:
        watch.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    pg.on("dialog", on_dialog)
    pg.on("console", lambda m: m.type == "error" and watch.errors.append(m.text))
    pg.on("pageerror", lambda e: watch.errors.append(str(e)))
    yield pg, watch
    context.close()


def _shot(pg: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_home(server: str, page: tuple[object, Watch]) -> None:
    pg, watch = page
    pg.goto(server + "/")  # type: ignore[attr-defined]
    stats = pg.locator(".stats div")  # type: ignore[attr-defined]
    assert stats.count() == 5
    assert "13" in stats.first.inner_text()
    assert pg.locator("table.events tbody tr").count() == 10  # type: ignore[attr-defined]
    assert pg.locator("a.dyad").first.inner_text() == "IRN → RUS"  # type: ignore[attr-defined]
    _shot(pg, "home")
    assert watch.errors == [] and watch.dialogs == []


def test_filter_events_and_open_the_evidence(server: str, page: tuple[object, Watch]) -> None:
    pg, watch = page
    pg.goto(server + "/events")  # type: ignore[attr-defined]
    pg.fill("input[name=dyad]", "ISR,SYR")  # type: ignore[attr-defined]
    pg.select_option("select[name=quad_class]", "4")  # type: ignore[attr-defined]
    pg.click("form.filters button[type=submit]")  # type: ignore[attr-defined]
    pg.wait_for_url("**/events?*")  # type: ignore[attr-defined]
    assert "dyad=ISR%2CSYR" in pg.url and "since=" not in pg.url  # type: ignore[attr-defined]
    rows = pg.locator("table.events tbody tr")  # type: ignore[attr-defined]
    assert rows.count() == 1
    assert "ASSAULT" in rows.first.inner_text()
    csv_link = pg.locator("a.csv").get_attribute("href")  # type: ignore[attr-defined]
    assert csv_link and "format=csv" in csv_link and "quad_class=4" in csv_link
    _shot(pg, "events")
    pg.click("a.evidence")  # type: ignore[attr-defined]
    pg.wait_for_url("**/events/*")  # type: ignore[attr-defined]
    trigger = pg.locator("blockquote.evidence-sentence mark.trigger")  # type: ignore[attr-defined]
    assert trigger.inner_text() == "attacked"
    _shot(pg, "event")
    assert watch.errors == [] and watch.dialogs == []


def test_article_highlights(server: str, page: tuple[object, Watch]) -> None:
    pg, watch = page
    pg.goto(server + "/articles/call")  # type: ignore[attr-defined]
    source = pg.locator("article mark.source").first  # type: ignore[attr-defined]
    assert source.inner_text() == "Iranian President Ebrahim Raisi"
    assert "IRN GOV" in (source.get_attribute("title") or "")
    colours = {
        css: pg.locator(f"article mark.{css}").first.evaluate(  # type: ignore[attr-defined]
            "el => getComputedStyle(el).backgroundColor"
        )
        for css in ("source", "target", "trigger")
    }
    assert len(set(colours.values())) == 3 and "rgba(0, 0, 0, 0)" not in colours.values()
    speaker = pg.locator("article .quote .speaker").text_content()  # type: ignore[attr-defined]
    assert speaker == "Putin (RUS):"
    # app.js (allowed by the CSP) ties an event in the list to its marks in the text.
    pg.hover("ol.article-events li:first-child")  # type: ignore[attr-defined]
    assert pg.locator("article mark.focus").count() == 3  # type: ignore[attr-defined]
    _shot(pg, "article")
    assert watch.errors == [] and watch.dialogs == []


def test_dyad_chart_and_a_clicked_period(server: str, page: tuple[object, Watch]) -> None:
    pg, watch = page
    pg.goto(server + "/dyads/IRN/RUS?both_directions=true")  # type: ignore[attr-defined]
    bars = pg.locator("figure.chart svg a")  # type: ignore[attr-defined]
    assert bars.count() == 11
    assert pg.locator("figure.chart svg rect.q1").count() >= 10  # type: ignore[attr-defined]
    _shot(pg, "dyad")
    pg.locator('figure.chart svg a[data-period="2021-11"] rect').click(force=True)  # type: ignore[attr-defined]
    pg.wait_for_url("**period=2021-11*")  # type: ignore[attr-defined]
    assert "2021-11: 3 events" in pg.locator("#period h2").inner_text()  # type: ignore[attr-defined]
    assert pg.locator("#period table.events tbody tr").count() == 3  # type: ignore[attr-defined]
    _shot(pg, "dyad-period")
    assert watch.errors == [] and watch.dialogs == []


def test_actor_partners(server: str, page: tuple[object, Watch]) -> None:
    pg, watch = page
    pg.goto(server + "/actors/IRN")  # type: ignore[attr-defined]
    assert pg.locator("a.partner").first.inner_text() == "RUS"  # type: ignore[attr-defined]
    assert pg.locator("figure.network svg circle").count() >= 2  # type: ignore[attr-defined]
    _shot(pg, "actor")
    assert watch.errors == [] and watch.dialogs == []


def test_hostile_article_runs_nothing(server: str, page: tuple[object, Watch]) -> None:
    pg, watch = page
    pg.goto(server + "/articles/xss")  # type: ignore[attr-defined]
    pg.wait_for_load_state("load")  # type: ignore[attr-defined]
    assert "<script>alert(1)</script>" in pg.locator("article").inner_text()  # type: ignore[attr-defined]
    assert pg.locator("img").count() == 0  # type: ignore[attr-defined]
    assert pg.locator("script").count() == 1  # type: ignore[attr-defined]
    _shot(pg, "xss")
    pg.goto(server + "/events?actor=FRA")  # type: ignore[attr-defined]
    pg.goto(server + "/")  # type: ignore[attr-defined]
    assert watch.dialogs == []
    assert watch.errors == []
