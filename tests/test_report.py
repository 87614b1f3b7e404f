"""The HTML report: one self-contained file, no script and no external URL, every article text escaped
(the HTML holds only the report's own tags), from the CLI too; in Chromium (slow) it opens offline,
requests nothing, runs nothing and prints."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pytest

from core.__main__ import main
from core.demo import DEMO_DIR, demo_articles
from core.embed import CachingEmbedder, HashingEmbedder
from core.export import Settings
from core.ingest import article_from_text
from core.model import Article, Comparison
from core.pipeline import compare
from core.report import build_report, write_report

EVIL = (
    '<script>window.__pwned = 1; document.title = "pwned"</script> The council said 12 people were hurt '
    'on 3 March 2025. <img src="https://evil.example/x.png" onerror="window.__pwned = 2"> '
    "</style><style>body{background:url(https://evil.example/bg)}</style> "
    '<a href="https://evil.example/">link</a> <link rel="stylesheet" href="https://evil.example/s.css"> '
    '<svg onload="window.__pwned=3"></svg> "quoted" & ampersand ]]> <!-- comment'
)
# The report's own vocabulary: any other tag came from article text.
TAGS = {
    *("html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "nav", "a"),
    *("section", "div", "span", "b", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "i", "br"),
    *("article", "mark", "svg", "defs", "pattern", "rect", "lineargradient", "stop", "g", "line", "text"),
    "polygon",
}


@pytest.fixture(scope="module")
def hostile_cmp() -> Comparison:
    arts: list[Article] = list(demo_articles())
    arts[0] = article_from_text(
        f"{arts[0].source_id}<b>", f"{EVIL}\n\n{arts[0].text}", title=f"<i>{EVIL}</i>"
    )
    arts[1] = article_from_text(
        '"><script>alert(1)</script>',
        f"{arts[1].text}\n\nThe council said 12 people were hurt on 3 March 2025.",
    )
    return compare(arts, CachingEmbedder(HashingEmbedder()))


@pytest.fixture(scope="module")
def report(hostile_cmp: Comparison) -> str:
    return build_report(hostile_cmp, settings=Settings(backend="hashing"))


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(doc: str) -> _Tags:
    p = _Tags()
    p.feed(doc)
    p.close()
    return p


def test_report_holds_only_its_own_tags_and_no_script(report: str) -> None:
    p = parsed(report)
    used = {tag for tag, _ in p.tags}
    assert used <= TAGS, used - TAGS
    assert "<script" not in report.lower()
    assert not re.search(r"<script[^>]*\bsrc\s*=", report, re.IGNORECASE)
    for tag, attrs in p.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in {"href", "src", "xlink:href", "action", "formaction", "poster", "srcset"}:
                assert (value or "").startswith("#"), (tag, name, value)


def test_report_has_no_external_url(report: str) -> None:
    """A browser loads from attributes and CSS only; neither holds a URL (hover titles are text)."""
    for tag, attrs in parsed(report).tags:
        for name, value in attrs:
            if name not in {"title", "aria-label"}:
                assert not re.search(r"https?:|//|data:", value or ""), (tag, name, value)
    for css in re.findall(r"<style>(.*?)</style>", report, re.DOTALL):
        assert "http" not in css and "@import" not in css
        assert not re.search(r"url\(\s*['\"]?(?!#)", css)
    assert "https://evil.example" in report  # the article's URLs are there, as escaped text
    assert "default-src 'none'" in report  # and a CSP in case anything slipped through


def test_report_escapes_every_article_text(report: str, hostile_cmp: Comparison) -> None:
    assert "&lt;script&gt;window.__pwned = 1" in report
    assert "&lt;img src=&quot;https://evil.example/x.png&quot;" in report
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in report  # the hostile source name
    text = "".join(parsed(report).text)
    for art in hostile_cmp.articles:
        assert art.source_id in text
    assert EVIL.split(" The council", 1)[0] in text  # shown to the reader as the words it is


def test_report_sections_and_highlights(hostile_cmp: Comparison, report: str) -> None:
    for section in ("summary", "sources", "consensus", "timeline", "figures", "claims", "divergences"):
        assert f'id="{section}"' in report
    assert '<mark class="k-' in report and 'class="chart"' in report and "<svg" in report
    assert "@media print" in report and "@page" in report
    assert f"<b>{len(hostile_cmp.claims)}</b>" in report  # the headline claim count
    assert "embedding backend" in report


def test_cli_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "sub" / "report.html"
    code = main(["compare", str(DEMO_DIR), "--out", str(tmp_path / "out"), "--backend", "hashing", "--report",
                 str(target)])  # fmt: skip
    assert code == 0
    assert str(target) in capsys.readouterr().out
    doc = target.read_text(encoding="utf-8")
    assert doc.startswith("<!DOCTYPE html>") and "Claims side by side" in doc
    import json

    saved = json.loads((tmp_path / "out" / "comparison.json").read_text(encoding="utf-8"))
    assert saved["settings"]["backend"] == "hashing"


def test_report_caps_the_divergences_table(hostile_cmp: Comparison) -> None:
    doc = build_report(hostile_cmp, max_divergences=3)
    assert "Showing 3 of" in doc


# --------------------------------------------------------------------------------------------------
# In Chromium


@pytest.mark.slow
def test_report_in_chromium_is_inert_offline_and_prints(tmp_path: Path, hostile_cmp: Comparison) -> None:
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    from tools.screenshot import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is missing")
    path = write_report(hostile_cmp, tmp_path / "report.html", settings=Settings(backend="hashing"))
    requests: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(offline=True)
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(path.as_uri(), wait_until="load", timeout=60_000)
            page.wait_for_timeout(500)
            assert page.evaluate("() => window.__pwned") is None
            assert page.title() != "pwned" and "source comparison" in page.title()
            assert page.locator("script").count() == 0
            body = page.inner_text("body")
            assert "<script>window.__pwned = 1" in body  # the article's script is shown as text
            assert "Claims side by side" in body and "Timeline of dates" in body
            assert page.locator("svg.chart").count() == 2
            pdf = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    assert requests == [path.as_uri()], requests  # nothing but the file itself
    assert dialogs == []
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 3
