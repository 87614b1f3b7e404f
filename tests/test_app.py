"""AppTest tests of every page of the Streamlit app (hashing backend: no model is loaded)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core.demo import demo_articles
from core.ingest import article_from_text
from core.model import Article, Comparison, Fact, FactKind, FactPair, Passage, Relation
from ui.analysis import Mark, fact_marks, layout_rows, ranked_divergences
from ui.render import Note, facts_table_html, highlight, word_diff_html
from ui.text import esc, md_escape

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PAGES = {
    "overview": "views/overview.py",
    "sources": "views/sources.py",
    "side_by_side": "views/side_by_side.py",
    "claims": "views/claims.py",
    "divergences": "views/divergences.py",
    "downloads": "views/downloads.py",
}
DEMO_IDS = [a.source_id for a in demo_articles()]
EVIL = (
    "<script>document.title='pwned'</script> The mayor said 12 people :red[were] hurt. $$x$$ "
    '<img src=x onerror="alert(1)">'
)


@pytest.fixture(autouse=True)
def _hashing_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSCOMPARE_BACKEND", "hashing")


def start(page: str = "overview", articles: list[Article] | None = None) -> AppTest:
    """The app after its first run, switched to ``page`` (and optionally with injected sources)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if articles is not None:
        at.session_state["articles"] = articles
    at.run()
    assert not at.exception, at.exception
    if page != "overview":
        at.switch_page(PAGES[page]).run()
        assert not at.exception, at.exception
    return at


def loaded_ids(at: AppTest) -> list[str]:
    return [a.source_id for a in at.session_state["articles"]]


def button(at: AppTest, label: str) -> Any:
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} in {[b.label for b in at.button]}"
    return matches[0]


def texts(elements: Any) -> str:
    return "\n".join(str(e.value) for e in elements)


def embedder_misses() -> int:
    from ui.compute import shared_embedder

    return shared_embedder("hashing")[0].misses


# --------------------------------------------------------------------------------------------------
# Every page renders the demo comparison


def test_overview_shows_demo_comparison() -> None:
    at = start()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sources"] == "4"
    assert int(metrics["Claim groups"]) > 0
    assert {"Differences", "Conflicts", "Omissions"} <= set(metrics)
    assert "<th>Numbers</th>" in texts(at.html)  # differences and omissions per kind
    assert len(at.get("plotly_chart")) == 3  # two heatmaps and the coverage matrix
    assert "demo set" in texts(at.info)
    assert at.session_state["backend"] == "hashing"


def test_overview_shows_whole_explanations() -> None:
    at = start()
    facts = _comparison(at).facts
    shown = ranked_divergences(facts, only="difference")[:12] + ranked_divergences(facts, only="omission")[:6]
    if not shown:
        pytest.skip("no compared facts in this installation")
    html = texts(at.html)
    tables = html.split('<table class="nc-facts">')[1:]
    assert len(tables) == 2
    rows = sum(t.split("</table>")[0].count("<tr>") for t in tables)
    assert rows == len(shown) + 2  # a header and one row per fact, in each table
    for fp in shown:
        assert esc(fp.explanation) in html  # never cut off


def test_overview_separates_differences_from_omissions() -> None:
    """Issue 11 item 6: omissions (one source only) no longer swamp the differences a fact-checker acts on."""
    from core.summary import category

    at = start()
    facts = _comparison(at).facts
    differing = [fp for fp in facts if fp.relation != Relation.SAME]
    omissions = [fp for fp in differing if fp.relation in (Relation.ONLY_IN_A, Relation.ONLY_IN_B)]
    assert omissions and len(omissions) < len(differing)  # the demo set has both
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["Omissions"] == len(omissions)
    assert metrics["Differences"] == len(differing) - len(omissions)
    assert metrics["Conflicts"] == sum(fp.relation == Relation.CONFLICT for fp in facts)
    assert {category(r) for r in Relation} == {"same", "difference", "omission"}
    html = texts(at.html)
    differences_table, omissions_table = (
        t.split("</table>")[0] for t in html.split('<table class="nc-facts">')[1:3]
    )
    assert "only in" not in differences_table  # omissions are listed apart ...
    assert "only in" in omissions_table and "rel-conflict" not in omissions_table
    ranked = ranked_divergences(facts, only="difference")
    order = [fp.relation for fp in ranked]
    assert order == sorted(
        order, key=lambda r: (r != Relation.CONFLICT, r != Relation.OVERLAP)
    )  # conflicts first
    subheaders = texts(at.subheader)
    assert "Most important differences" in subheaders and "Stated by one source only" in subheaders


def test_divergences_filter_by_category() -> None:
    at = start("divergences")
    frame = at.dataframe[0].value
    assert set(frame["category"]) == {"difference", "omission"}
    first_omission = list(frame["category"]).index("omission")
    assert set(frame["category"][:first_omission]) == {"difference"}  # differences ranked first
    at.multiselect(key="div_category").set_value(["omission"]).run()
    assert set(at.dataframe[0].value["category"]) == {"omission"}
    assert set(at.dataframe[0].value["relation"]) <= {"only in A", "only in B"}


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_without_exception(page: str) -> None:
    at = start(page)
    assert not at.exception
    assert at.title[0].value  # every page has a heading
    assert not at.error, texts(at.error)


def test_sources_page_lists_demo_sources() -> None:
    at = start("sources")
    table = at.dataframe[0].value
    assert list(table["name"]) == DEMO_IDS
    assert "Loaded sources (4)" in texts(at.subheader)


def test_side_by_side_shows_rows_and_legend() -> None:
    at = start("side_by_side")
    html = texts(at.html)
    assert 'class="nc-legend"' in html
    for sid in DEMO_IDS:
        assert sid in html
    assert 'id="claim-1"' in html
    assert "only in this source" in html  # unique passages stay in place


def test_side_by_side_highlights_facts_when_available() -> None:
    at = start("side_by_side")
    cmp_facts = _comparison(at).facts
    html = texts(at.html)
    if cmp_facts:
        assert '<mark class="fact' in html
    if any(fp.relation == Relation.CONFLICT for fp in cmp_facts):
        assert "rel-conflict" in html


def test_side_by_side_divergent_filter_and_word_diff() -> None:
    at = start("side_by_side")
    all_rows = texts(at.html).count('class="nc-row ')
    at.segmented_control(key="sbs_filter").set_value("unique").run()
    assert not at.exception
    unique_html = texts(at.html)
    assert unique_html.count('class="nc-row ') < all_rows
    assert 'id="claim-' not in unique_html
    at.segmented_control(key="sbs_filter").set_value("all").run()
    at.selectbox(key="sbs_diff_ref").set_value(DEMO_IDS[2]).run()
    html = texts(at.html)
    assert f'<span class="diff-lab">Word diff against {DEMO_IDS[2]}</span>' in html
    assert "word diff reference" in html


def test_claims_page_table_and_jump_to_side_by_side() -> None:
    at = start("claims")
    table = at.dataframe[0].value
    assert set(DEMO_IDS) <= set(table.columns)
    assert len(table) > 0
    assert 'id="claim-1"' in texts(at.html)  # the preview of the first claim
    target = int(table["claim"].iloc[-1])
    at.selectbox(key="claims_jump").set_value(target).run()
    button(at, "Show side by side").click().run()
    assert not at.exception
    assert at.session_state["focus_claim"] == target
    html = texts(at.html)
    assert f'id="claim-{target}"' in html
    assert html.count('id="claim-') == 1
    assert f"Showing claim #{target} only." in texts(at.info)
    at.switch_page(PAGES["side_by_side"])  # AppTest would otherwise rerun the page it was last sent to
    button(at, "Show all rows").click().run()
    assert texts(at.html).count('id="claim-') > 1


def test_claims_search_filters_rows() -> None:
    at = start("claims")
    n = len(at.dataframe[0].value)
    at.text_input(key="claims_query").input("passengers").run()
    shown = at.dataframe[0].value
    assert 0 < len(shown) < n


def test_divergences_page_filters() -> None:
    at = start("divergences")
    cmp = _comparison(at)
    if not cmp.facts:
        assert "No facts were compared" in texts(at.info)
        return
    frame = at.dataframe[0].value
    assert {"kind", "relation", "source A", "source B", "what differs"} <= set(frame.columns)
    at.multiselect(key="div_kinds").set_value(["date"]).run()
    assert set(at.dataframe[0].value["kind"]) <= {"date"}


def test_divergences_preview_starts_on_the_first_row() -> None:
    at = start("divergences")
    frame = at.dataframe[0].value
    assert len(frame) > 0  # the demo set has divergences even with the fake embedder
    assert at.selectbox(key="div_jump").value == int(frame["claim"].iloc[0])
    at.multiselect(key="div_kinds").set_value(["date"]).run()
    dates = at.dataframe[0].value
    if len(dates):
        assert at.selectbox(key="div_jump").value in set(dates["claim"])


def test_claims_filters_survive_page_changes() -> None:
    at = start("claims")
    at.text_input(key="claims_query").input("the").run()
    at.multiselect(key="claims_sources").set_value([DEMO_IDS[1], DEMO_IDS[3]]).run()
    at.multiselect(key="claims_agreement").set_value(["conflict", "differing facts"]).run()
    assert not at.exception
    shown = at.dataframe[0].value
    for page in ("overview", "divergences", "sources", "claims"):
        at.switch_page(PAGES[page]).run()
        assert not at.exception, at.exception
    assert at.text_input(key="claims_query").value == "the"
    assert at.multiselect(key="claims_sources").value == [DEMO_IDS[1], DEMO_IDS[3]]
    assert at.multiselect(key="claims_agreement").value == ["conflict", "differing facts"]
    assert list(at.dataframe[0].value["claim"]) == list(shown["claim"])  # the same rows as before


def test_divergence_filters_survive_page_changes() -> None:
    at = start("divergences")
    if not _comparison(at).facts:
        pytest.skip("no compared facts in this installation")
    at.multiselect(key="div_kinds").set_value(["number", "date"]).run()
    at.multiselect(key="div_relations").set_value(["conflict"]).run()
    at.multiselect(key="div_sources").set_value([DEMO_IDS[0]]).run()
    at.toggle(key="div_same").set_value(True).run()
    assert not at.exception
    shown = at.dataframe[0].value
    for page in ("claims", "overview", "divergences"):
        at.switch_page(PAGES[page]).run()
        assert not at.exception, at.exception
    assert at.multiselect(key="div_kinds").value == ["number", "date"]
    assert at.multiselect(key="div_relations").value == ["conflict"]
    assert at.multiselect(key="div_sources").value == [DEMO_IDS[0]]
    assert at.toggle(key="div_same").value is True
    assert at.dataframe[0].value.equals(shown)


def test_side_by_side_view_choices_survive_page_changes() -> None:
    at = start("side_by_side")
    at.segmented_control(key="sbs_filter").set_value("unique").run()
    at.selectbox(key="sbs_diff_ref").set_value(DEMO_IDS[1]).run()
    at.switch_page(PAGES["overview"]).run()
    at.switch_page(PAGES["side_by_side"]).run()
    assert not at.exception
    assert at.segmented_control(key="sbs_filter").value == "unique"
    assert at.selectbox(key="sbs_diff_ref").value == DEMO_IDS[1]


def test_source_filters_drop_removed_sources_and_follow_renames() -> None:
    at = start("claims")
    at.multiselect(key="claims_sources").set_value([DEMO_IDS[1], DEMO_IDS[2]]).run()
    at.switch_page(PAGES["divergences"]).run()
    if _comparison(at).facts:
        at.multiselect(key="div_sources").set_value([DEMO_IDS[2]]).run()
        at.multiselect(key="div_kinds").set_value(["number"]).run()

    at.switch_page(PAGES["sources"]).run()
    at.selectbox(key="edit_source").set_value(DEMO_IDS[1]).run()
    name_box = next(t for t in at.text_input if t.key and t.key.startswith("edit_name_"))
    name_box.input("renamed-daily")
    button(at, "Save changes").click().run()
    assert not at.exception, at.exception
    remove_source(at, DEMO_IDS[2])
    assert loaded_ids(at) == [DEMO_IDS[0], "renamed-daily", DEMO_IDS[3]]

    at.switch_page(PAGES["claims"]).run()
    assert not at.exception, at.exception  # never "default value not in options"
    assert at.multiselect(key="claims_sources").value == ["renamed-daily"]
    at.switch_page(PAGES["divergences"]).run()
    assert not at.exception, at.exception
    if at.dataframe:
        assert at.multiselect(key="div_sources").value == []
        assert at.multiselect(key="div_kinds").value == ["number"]

    at.switch_page(PAGES["sources"]).run()
    button(at, "Undo").click().run()  # the removed source comes back; the filters may choose it again
    at.switch_page(PAGES["claims"]).run()
    assert not at.exception, at.exception
    assert at.multiselect(key="claims_sources").value == ["renamed-daily"]


def test_downloads_are_offered() -> None:
    at = start("downloads")
    labels = [b.label for b in at.get("download_button")]
    for name in ("claims.csv", "alignments.csv", "divergences.csv", "unique.csv", "comparison.json"):
        assert name in labels
    assert "news-comparison.zip" in labels


# --------------------------------------------------------------------------------------------------
# Loading, renaming and removing sources


def test_paste_adds_a_source() -> None:
    at = start("sources")
    at.text_input(key="paste_name_0").input("herald")
    at.text_input(key="paste_title_0").input("Rail line shut")
    at.date_input(key="paste_date_0").set_value(dt.date(2025, 3, 15))
    at.text_area(key="paste_text_0").input(
        "A landslide blocked the Tarrow Valley railway near Kellan Bridge in March. "
        "Repairs will cost 16 million euros, officials said."
    )
    button(at, "Add source").click().run()
    assert not at.exception
    assert loaded_ids(at) == [*DEMO_IDS, "herald"]
    added = at.session_state["articles"][-1]
    assert added.published == dt.date(2025, 3, 15)
    assert added.origin == "paste"
    assert "Added" in texts(at.success)
    at.switch_page(PAGES["overview"]).run()
    assert {m.label: m.value for m in at.metric}["Sources"] == "5"


def test_empty_paste_is_refused_and_keeps_sources() -> None:
    at = start("sources")
    at.text_input(key="paste_name_0").input("blank")
    button(at, "Add source").click().run()
    assert not at.exception
    assert "text box is empty" in texts(at.error)
    assert loaded_ids(at) == DEMO_IDS


def test_duplicate_name_is_refused() -> None:
    at = start("sources")
    at.text_input(key="paste_name_0").input(DEMO_IDS[0])
    at.text_area(key="paste_text_0").input("Some other report of the landslide with enough words in it.")
    button(at, "Add source").click().run()
    assert "already loaded" in texts(at.error)
    assert loaded_ids(at) == DEMO_IDS


def test_upload_adds_files_and_reports_binary_ones() -> None:
    at = start("sources")
    page_html = b"<html><body><p>The railway stays shut until autumn, the authority said.</p></body></html>"
    at.file_uploader(key="upload_files_0").set_value(
        [
            ("wire.txt", b"Officials said the line would reopen in October after repairs.", "text/plain"),
            ("page.html", page_html, "text/html"),
            ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "text/plain"),
        ]
    )
    at.run()  # one step: choosing the files adds them, no second button
    assert not at.exception
    assert not [b for b in at.button if b.label == "Add files"]
    assert "photo.txt: looks like a binary file" in texts(at.error).replace("\\", "")
    assert loaded_ids(at) == [*DEMO_IDS, "wire", "page"]
    assert at.session_state["articles"][-1].origin == "file:page.html"
    assert at.file_uploader(key="upload_files_1").value in (None, [])  # a fresh uploader for the next


def test_bad_links_give_a_message_and_keep_sources() -> None:
    at = start("sources")
    for url in ("not a link", "ftp://example.invalid/story", "http://127.0.0.1:9/private"):
        at.text_input(key="url_value_0").input(url)
        button(at, "Fetch and add").click().run()
        assert not at.exception
        message = texts(at.error).replace("\\", "")
        assert message.startswith("That link can't be fetched: "), (url, message)
        assert message.endswith("."), message
        assert "Refused" not in message
        assert loaded_ids(at) == DEMO_IDS


ONLY_PUBLIC = "Only public web addresses are allowed."


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://10.0.0.1/story",
            f"That link can't be fetched: 10.0.0.1 is a private address. {ONLY_PUBLIC}",
        ),
        (
            "http://localhost:8501/",
            f"That link can't be fetched: localhost is a loopback address. {ONLY_PUBLIC}",
        ),
        (
            "ftp://example.invalid/story",
            "That link can't be fetched: only http and https links are supported.",
        ),
    ],
)
def test_refused_link_message_is_a_sentence(url: str, expected: str) -> None:
    at = start("sources")
    at.text_input(key="url_value_0").input(url)
    at.text_input(key="url_name_0").input("kept-name")
    button(at, "Fetch and add").click().run()
    assert not at.exception
    assert texts(at.error).replace("\\", "") == expected
    assert loaded_ids(at) == DEMO_IDS
    assert at.text_input(key="url_value_0").value == url  # the user can correct the link


def test_fetched_page_without_article_text_gives_a_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.fetch

    def fake_fetch(url: str, **_: Any) -> core.fetch.FetchedPage:
        return core.fetch.FetchedPage(url, url, "Title", "... !!! ---", None, "text/html", 20)

    monkeypatch.setattr(core.fetch, "fetch_article", fake_fetch)
    at = start("sources")
    at.text_input(key="url_value_0").input("https://example.com/news/story")
    button(at, "Fetch and add").click().run()
    assert not at.exception
    assert texts(at.error).replace("\\", "") == (
        "The page was fetched, but no article could be read from it: no readable text."
    )
    assert loaded_ids(at) == DEMO_IDS


def test_rename_and_set_date_then_remove() -> None:
    at = start("sources")
    first = DEMO_IDS[0]
    name_box = next(t for t in at.text_input if t.key and t.key.startswith("edit_name_"))
    date_box = next(d for d in at.date_input if d.key and d.key.startswith("edit_date_"))
    name_box.input("eastmere-post")
    date_box.set_value(dt.date(2025, 4, 2))
    button(at, "Save changes").click().run()
    assert not at.exception, at.exception
    assert loaded_ids(at)[0] == "eastmere-post"
    assert at.session_state["articles"][0].published == dt.date(2025, 4, 2)
    assert first not in loaded_ids(at)

    # A rename to a name in use is refused.
    name_box = next(t for t in at.text_input if t.key and t.key.startswith("edit_name_"))
    name_box.input(DEMO_IDS[1])
    button(at, "Save changes").click().run()
    assert "already loaded" in texts(at.error)
    assert loaded_ids(at)[0] == "eastmere-post"

    at.switch_page(PAGES["side_by_side"]).run()
    assert "eastmere-post" in texts(at.html)

    at.switch_page(PAGES["sources"]).run()
    at.selectbox(key="edit_source").set_value(DEMO_IDS[2]).run()
    button(at, "Remove source").click().run()
    assert not at.exception
    assert DEMO_IDS[2] not in loaded_ids(at)
    assert len(loaded_ids(at)) == 3


def remove_source(at: AppTest, sid: str) -> None:
    at.selectbox(key="edit_source").set_value(sid).run()
    button(at, "Remove source").click().run()
    assert not at.exception, at.exception


def test_remove_then_undo_restores_the_source_in_place() -> None:
    at = start("sources")
    before = list(at.session_state["articles"])
    remove_source(at, DEMO_IDS[1])
    assert loaded_ids(at) == [DEMO_IDS[0], *DEMO_IDS[2:]]
    assert f"Removed “{DEMO_IDS[1]}”." in texts(at.success).replace("\\", "")
    button(at, "Undo").click().run()
    assert not at.exception, at.exception
    assert list(at.session_state["articles"]) == before  # same order, same texts, titles and dates
    assert at.session_state["edit_source"] == DEMO_IDS[1]  # the restored source is selected again
    assert "back in its place" in texts(at.toast).replace("\\", "")
    assert not [b for b in at.button if b.label == "Undo"]  # nothing left to undo


def test_undo_goes_back_one_removal_at_a_time() -> None:
    at = start("sources")
    remove_source(at, DEMO_IDS[0])
    remove_source(at, DEMO_IDS[3])
    assert loaded_ids(at) == DEMO_IDS[1:3]
    button(at, "Undo").click().run()
    assert loaded_ids(at) == DEMO_IDS[1:]
    button(at, "Undo").click().run()
    assert loaded_ids(at) == DEMO_IDS


def test_undo_survives_page_changes_and_ends_with_another_change() -> None:
    at = start("sources")
    remove_source(at, DEMO_IDS[2])
    at.switch_page(PAGES["overview"]).run()
    assert {m.label: m.value for m in at.metric}["Sources"] == "3"
    at.switch_page(PAGES["sources"]).run()
    assert [b for b in at.button if b.label == "Undo"]
    at.text_input(key="paste_name_0").input("herald")
    at.text_area(key="paste_text_0").input("A landslide blocked the railway near Kellan Bridge in March.")
    button(at, "Add source").click().run()
    assert loaded_ids(at) == [*DEMO_IDS[:2], DEMO_IDS[3], "herald"]
    assert not [b for b in at.button if b.label == "Undo"]  # undoing now would lose "herald"


def test_undo_remove_all_and_demo_reload() -> None:
    extra = article_from_text("extra", "The railway will reopen in October, a spokesman said on Monday.")
    at = start("sources", articles=[*demo_articles(), extra])
    button(at, "Reload the demo set").click().run()
    assert loaded_ids(at) == DEMO_IDS
    assert "Replaced the loaded sources with the demo set." in texts(at.success)
    button(at, "Undo").click().run()
    assert loaded_ids(at) == [*DEMO_IDS, "extra"]

    button(at, "Yes, remove all").click().run()
    assert loaded_ids(at) == []
    assert "Removed all 5 sources." in texts(at.success)
    button(at, "Reload the demo set").click().run()  # an empty list: the demo set replaces nothing
    assert loaded_ids(at) == DEMO_IDS
    button(at, "Undo").click().run()
    assert loaded_ids(at) == [*DEMO_IDS, "extra"]


def test_removing_all_then_reloading_demo() -> None:
    at = start("sources")
    button(at, "Yes, remove all").click().run()
    assert loaded_ids(at) == []
    at.switch_page(PAGES["overview"]).run()
    assert not at.exception
    assert "at least two sources" in texts(at.info)
    at.switch_page(PAGES["sources"]).run()
    button(at, "Reload the demo set").click().run()
    assert loaded_ids(at) == DEMO_IDS


def test_sources_survive_page_changes() -> None:
    extra = article_from_text("extra", "The railway will reopen in October, a spokesman said on Monday.")
    at = start("sources", articles=[*demo_articles(), extra])
    for page in ("side_by_side", "claims", "overview", "sources"):
        at.switch_page(PAGES[page]).run()
        assert not at.exception
        assert loaded_ids(at)[-1] == "extra"


# --------------------------------------------------------------------------------------------------
# Settings re-align without re-embedding


def test_threshold_change_realigns_without_embedding_again() -> None:
    at = start()
    claims_before = {m.label: m.value for m in at.metric}["Claim groups"]
    misses = embedder_misses()
    at.slider(key="cfg_min_similarity").set_value(0.7).run()
    assert not at.exception
    claims_after = {m.label: m.value for m in at.metric}["Claim groups"]
    assert int(claims_after) < int(claims_before)
    at.slider(key="cfg_min_margin").set_value(1.3).run()
    at.toggle(key="cfg_allow_merges").set_value(False).run()
    assert not at.exception
    assert embedder_misses() == misses  # every vector came from the shared cache
    button(at, "Reset to defaults").click().run()
    assert {m.label: m.value for m in at.metric}["Claim groups"] == claims_before


# --------------------------------------------------------------------------------------------------
# Untrusted text is escaped everywhere


def test_untrusted_text_is_escaped_on_every_page() -> None:
    evil = article_from_text(
        '<b onmouseover="x()">evil</b>', EVIL + " The landslide near Kellan Bridge blocked the line."
    )
    at = start("overview", articles=[*demo_articles(), evil])
    for path in PAGES.values():
        at.switch_page(path).run()
        assert not at.exception
        for h in at.html:
            assert "<script>document" not in h.value
            assert "<img src" not in h.value
            assert "<b onmouseover" not in h.value
    at.switch_page(PAGES["side_by_side"]).run()
    at.multiselect(key="sbs_sources").set_value(['<b onmouseover="x()">evil</b>', DEMO_IDS[0]]).run()
    html = texts(at.html)
    assert "&lt;script&gt;" in html
    assert "&lt;b onmouseover=&quot;x()&quot;&gt;evil&lt;/b&gt;" in html


def test_markdown_escape_neutralises_directives() -> None:
    out = md_escape(":red[boom] $$x$$ **b** <img src=x>")
    assert out == r"\:red\[boom\] \$\$x\$\$ \*\*b\*\* \<img src\=x\>"


def test_highlight_escapes_and_nests() -> None:
    text = 'He said "we paid <b>18</b> million" today.'
    quote = Mark(8, 35, "quote", "overlap", ("vs b: worded differently",))
    number = Mark(text.index("18"), text.index("18") + 2, "number", "conflict", ('vs b: 18 vs "14"',))
    notes: list[Note] = []
    out = highlight(text, 0, len(text), [quote, number], notes=notes, source="a")
    assert "<b>" not in out
    assert "&lt;b&gt;" in out
    assert 'class="fact kind-number rel-conflict"' in out
    assert "&quot;14&quot;" in out  # titles are escaped too
    assert out.count("kind-quote") == 1  # the number is a highlight inside the quote's
    assert out.index("kind-quote") < out.index("kind-number")
    assert out.count('<details class="nc-f">') == 2  # both can be selected
    assert "<span>vs b: 18 vs &quot;14&quot;</span>" in out  # the explanation is content, not a title
    assert [(n.number, n.text) for n in notes] == [(1, text[8:35]), (2, "18")]  # in reading order
    plain = highlight(text, 0, len(text), [quote, number])
    assert "<details" not in plain and 'title="number: conflict' in plain


def test_highlight_cuts_a_fact_that_crosses_the_one_it_starts_in() -> None:
    text = "one two three four five"
    a = Mark(0, 13, "quote", "overlap", ("vs b: x",))
    b = Mark(8, 18, "number", "conflict", ("vs b: y",))
    out = highlight(text, 0, len(text), [a, b], notes=[], source="s")
    assert out.endswith(" four five")  # the tail past the quote is not highlighted twice
    assert out.count("<details") == 2


def test_side_by_side_explanations_are_content_and_printed() -> None:
    """Issue 11 item 3: every highlighted fact opens its explanation as text; rows list them for print."""
    at = start("side_by_side")
    cmp = _comparison(at)
    html = texts(at.html)
    assert '<details class="nc-f">' in html
    assert 'class="nc-why" role="note"' in html
    marks = [m for sid in cmp.source_ids for m in fact_marks(cmp, sid, cmp.source_ids)]
    assert marks
    for m in marks:
        for note in m.notes:
            assert f"<span>{esc(note)}</span>" in html  # in a panel, not only in a hover title
    differing = [m for m in marks if m.rel != "same"]
    assert html.count('<ol class="nc-notes">') >= 1
    assert html.count('<sup class="nc-ref">') == len(differing)
    assert "select a highlight" in html  # the legend says how


def test_facts_table_escapes_names_and_explanations() -> None:
    fa = Fact(FactKind.QUOTE, "a", 0, 5, "<b>x", "<b>x")
    fp = FactPair(
        3, '<img src=x onerror="y()">', "b&c", FactKind.QUOTE, Relation.CONFLICT, fa, None, "<i>18</i>"
    )
    out = facts_table_html([fp])
    assert "<img" not in out and "<i>" not in out
    assert "&lt;img src=x onerror=&quot;y()&quot;&gt;" in out
    assert "b&amp;c" in out and "&lt;i&gt;18&lt;/i&gt;" in out
    assert 'class="nc-rel rel-conflict"' in out


def test_word_diff_marks_insertions_and_deletions() -> None:
    out = word_diff_html("cost 14 million euros", "cost 18 million <euros>")
    assert out == "cost <del>14</del> <ins>18</ins> million &lt;euros&gt;"


def test_word_diff_keeps_the_spaces() -> None:
    """Regression: 'violence and torture. Such' came out as 'violenceand torture.Such'."""
    ref = "They reported violence and torture. Such acts were common, the report said."
    text = "They reported violence and torture. Such abuse was routine, the report said."
    out = word_diff_html(ref, text)
    plain = re.sub(r"<del>.*?</del> ?", "", out).replace("<ins>", "").replace("</ins>", "")
    assert plain == text  # the passage reads as written once the deleted words are taken out
    assert "violence and torture. Such" in out
    assert "<del>acts were common</del> <ins>abuse was routine</ins>" in out
    assert word_diff_html(ref, ref) == ref


def test_word_diff_marks_only_the_changed_words_of_a_paraphrase() -> None:
    ref = "The mayor said on Monday that repairs will cost 14 million euros."
    text = "Repairs will cost an estimated 14 million euros, the mayor said."
    out = word_diff_html(ref, text)
    assert re.findall(r"<ins>(.*?)</ins>", out) == ["an estimated"]
    assert re.findall(r"<del>(.*?)</del>", out) == ["on Monday that"]
    assert out.endswith("Repairs will cost <ins>an estimated</ins> 14 million euros, the mayor said.")


@given(st.text(max_size=120), st.text(max_size=120))
@settings(max_examples=150, deadline=None)
def test_word_diff_always_escapes_and_keeps_the_text(ref: str, text: str) -> None:
    out = word_diff_html(ref, text)
    assert "<" not in re.sub(r"</?(ins|del)>", "", out)
    kept = re.sub(r"<del>.*?</del> ?", "", out, flags=re.S).replace("<ins>", "").replace("</ins>", "")
    assert html.unescape(kept).split() == text.split() or "".join(html.unescape(kept).split()) == "".join(
        text.split()
    )


def test_word_diff_against_any_source_on_every_row() -> None:
    """Issue 11 item 5: the diff is against the chosen source, for every passage of each claim row."""
    at = start("side_by_side")
    cmp = _comparison(at)
    ref = DEMO_IDS[3]  # not the leftmost
    at.selectbox(key="sbs_diff_ref").set_value(ref).run()
    assert not at.exception, at.exception
    html = texts(at.html)
    expected = sum(len(c.passages) - 1 for c in cmp.claims if ref in c.sources)
    assert html.count(f'<span class="diff-lab">Word diff against {ref}</span>') == expected
    assert html.count("word diff reference") == sum(1 for c in cmp.claims if ref in c.sources)
    assert '<details class="nc-diff"' not in html  # shown at once, not one passage at a time
    at.multiselect(key="sbs_sources").set_value(DEMO_IDS[:3]).run()  # the reference is no longer shown
    assert not at.exception, at.exception
    assert at.selectbox(key="sbs_diff_ref").value is None or at.selectbox(key="sbs_diff_ref").value == ""
    assert "Word diff against" not in texts(at.html)


# --------------------------------------------------------------------------------------------------
# Pure views


def _comparison(at: AppTest) -> Comparison:
    from ui import controls
    from ui.compute import cached_comparison

    del at
    return cached_comparison(tuple(demo_articles()), controls.DEFAULT_ALIGN, "hashing")


def _passage(sid: str, i: int, text: str, start: int) -> Passage:
    return Passage(sid, i, i, start, start + len(text), text)


def test_layout_keeps_each_source_in_reading_order() -> None:
    from core.embed import CachingEmbedder, HashingEmbedder
    from core.pipeline import compare

    cmp = compare(demo_articles(), CachingEmbedder(HashingEmbedder()), with_facts=False)
    rows = layout_rows(cmp, cmp.source_ids)
    for sid in cmp.source_ids:
        seen = [i for r in rows if sid in r.cells for i in range(r.cells[sid].first, r.cells[sid].last + 1)]
        assert sorted(seen) == [s.index for s in cmp.sentences[sid]]  # every sentence exactly once
        in_place = [r.cells[sid].first for r in rows if sid in r.cells and not r.cells[sid].moved]
        assert in_place == sorted(in_place)


def test_fact_marks_take_the_worst_relation_and_flip_sides() -> None:
    fa = Fact(FactKind.NUMBER, "a", 0, 2, "18", "18")
    fb = Fact(FactKind.NUMBER, "b", 5, 7, "14", "14")
    fc = Fact(FactKind.NUMBER, "c", 0, 2, "18", "18")
    facts = (
        FactPair(1, "a", "b", FactKind.NUMBER, Relation.CONFLICT, fa, fb, "18 vs 14"),
        FactPair(1, "a", "c", FactKind.NUMBER, Relation.SAME, fa, fc, ""),
        FactPair(1, "b", "c", FactKind.NUMBER, Relation.MORE_SPECIFIC, fb, fc, "more"),
    )
    cmp = Comparison(articles=(), sentences={}, claims=(), links=(), unique=(), facts=facts)
    (mark,) = fact_marks(cmp, "a", ["a", "b", "c"])
    assert mark.rel == "conflict"
    assert len(mark.notes) == 2
    (mark,) = fact_marks(cmp, "a", ["a", "c"])
    assert mark.rel == "same"
    (mark,) = fact_marks(cmp, "c", ["b", "c"])
    assert mark.rel == "less"


def test_claims_past_the_passage_pair_limit_say_facts_not_compared() -> None:
    """Past Limits.max_passage_pairs a claim is found but its facts are not compared: the dashboard must
    say so rather than show it as "all same"."""
    import dataclasses

    from core.config import Limits
    from core.embed import HashingEmbedder
    from core.pipeline import compare
    from ui.analysis import STATUS_LABELS, Status, claim_overall, claim_status
    from ui.charts import coverage_matrix
    from ui.tables import claims_table

    story = demo_articles()[0]
    copies = [dataclasses.replace(story, source_id=f"copy{i:02d}") for i in range(12)]
    cmp = compare(copies, HashingEmbedder(), limits=Limits(max_passage_pairs=150))
    assert cmp.compared_claims == 2
    overall = claim_overall(cmp)
    assert {overall[c.claim_id] for c in cmp.claims if c.claim_id > 2} == {Status.UNCOMPARED}
    assert all(overall[c] != Status.UNCOMPARED for c in (1, 2))
    assert claim_status(cmp)[(3, "copy00")] == Status.UNCOMPARED
    frame = claims_table(cmp)
    assert set(frame.loc[frame["claim"] > 2, "agreement"]) == {STATUS_LABELS[Status.UNCOMPARED]}
    fig, _ = coverage_matrix(cmp)
    assert STATUS_LABELS[Status.UNCOMPARED] in {trace.name for trace in fig.data}


# --------------------------------------------------------------------------------------------------
# Layering: views render and call ui/; ui/ does the work; the counts have one home


def _imports(path: Path) -> set[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_views_import_no_core_module_except_types() -> None:
    for path in sorted((ROOT / "views").glob("*.py")):
        core = {m for m in _imports(path) if m == "core" or m.startswith("core.")}
        assert core <= {"core.model"}, (path.name, core)


def test_state_does_not_import_render() -> None:
    assert "ui.render" not in _imports(ROOT / "ui" / "state.py")


def test_no_fallback_for_a_missing_core_facts() -> None:
    for path in [*sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "views").glob("*.py"))]:
        if path.name == "compute.py":  # the runtime engineer's file
            continue
        assert "FACTS_MISSING" not in path.read_text(encoding="utf-8"), path.name


def test_overview_and_cli_report_the_same_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.__main__ import main
    from core.summary import summarise

    code = main(
        ["compare", str(ROOT / "core" / "data" / "demo"), "--out", str(tmp_path), "--backend", "hashing"]
    )
    assert code == 0
    out = capsys.readouterr().out
    counts = summarise(_comparison(None))  # type: ignore[arg-type]
    assert f"claim groups {counts.claims}  ({counts.shared_by_all} carried by every source)" in out
    assert f"divergences  {counts.divergences}  ({counts.conflicts} conflicts)" in out
    at = start()
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Claim groups"]) == counts.claims
    assert int(metrics["Shared by all"]) == counts.shared_by_all
    assert int(metrics["Differences"]) + int(metrics["Omissions"]) == counts.divergences
    assert int(metrics["Conflicts"]) == counts.conflicts
    assert sum(counts.by_kind.values()) == counts.divergences


# --------------------------------------------------------------------------------------------------
# ui.sources: links to articles, with one sentence when they cannot be read


def test_link_error_sentences() -> None:
    from core.fetch import FetchError
    from core.ingest import IngestError
    from ui.sources import link_error

    assert link_error(FetchError("Refused: 10.0.0.1 is a private address")) == (
        "That link can't be fetched: 10.0.0.1 is a private address. Only public web addresses are allowed."
    )
    assert (
        link_error(FetchError("Timed out after 20 s.")) == "That link can't be fetched: timed out after 20 s."
    )
    assert link_error(IngestError("example.com-story: no readable text")) == (
        "The page was fetched, but no article could be read from it: no readable text."
    )
    assert link_error(FetchError("HTTPS certificate")) == "That link can't be fetched: HTTPS certificate."


def test_from_url_names_the_source_after_the_final_address(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.fetch
    from ui.sources import SourceError, from_url

    def fake_fetch(url: str, **_: Any) -> core.fetch.FetchedPage:
        if not url.startswith("https:"):
            raise core.fetch.FetchError("Only http and https links are supported")
        body = "The railway near Kellan Bridge reopens in October, the operator said on Monday."
        final = "https://www.example.com/news/rail-line-reopens.html"
        return core.fetch.FetchedPage(
            url, final, "Rail line reopens", body, dt.date(2025, 3, 1), "text/html", 99
        )

    monkeypatch.setattr(core.fetch, "fetch_article", fake_fetch)
    art = from_url("https://example.com/x", taken={"example.com-rail-line-reopens"})
    assert art.source_id == "example.com-rail-line-reopens-2"
    assert art.origin == "url:https://www.example.com/news/rail-line-reopens.html"
    assert art.published == dt.date(2025, 3, 1)
    assert from_url("https://example.com/x", name="wire").source_id == "wire"
    with pytest.raises(SourceError, match="Enter a link first"):
        from_url("   ")
    with pytest.raises(SourceError, match=r"^That link can't be fetched: only http and https"):
        from_url("ftp://example.invalid/story")


# --------------------------------------------------------------------------------------------------
# Jumps to one claim show exactly the sources that carry it (issue 11 item 4)

OTHER_STORIES = [
    article_from_text("library", "The city library extends its Sunday opening hours from next week onwards."),
    article_from_text(
        "harbour", "Fishermen in the northern harbour repainted forty boats for the summer fair."
    ),
]


def _claim_of_all_demo_sources(at: AppTest) -> int:
    from ui import controls
    from ui.compute import cached_comparison

    del at
    cmp = cached_comparison((*OTHER_STORIES, *demo_articles()), controls.DEFAULT_ALIGN, "hashing")
    return next(c.claim_id for c in cmp.claims if sorted(c.sources) == sorted(DEMO_IDS))


@pytest.mark.parametrize(("page", "key"), [("claims", "claims_jump"), ("divergences", "div_jump")])
def test_jump_shows_exactly_the_sources_of_the_claim(page: str, key: str) -> None:
    """Regression: with six sources loaded, Show side by side hid the fourth source of a claim that four
    sources carry (the default choice was the first four sources)."""
    at = start(page, articles=[*OTHER_STORIES, *demo_articles()])
    target = _claim_of_all_demo_sources(at)
    if page == "divergences":  # every claim with compared facts is listed once "same" ones are too
        at.toggle(key="div_same").set_value(True).run()
    at.selectbox(key=key).set_value(target).run()
    button(at, "Show side by side").click().run()
    assert not at.exception, at.exception
    assert at.session_state["focus_claim"] == target
    assert at.multiselect(key="sbs_sources").value == DEMO_IDS
    html = texts(at.html)
    row = html[html.index(f'id="claim-{target}"') :]
    assert row.count('class="nc-cell') >= len(DEMO_IDS)
    assert "no matching passage" not in row.split('class="nc-row', 1)[0]
    for sid in DEMO_IDS:
        assert f'<div class="src">{sid}<' in html
    assert '<div class="src">library<' not in html


# --------------------------------------------------------------------------------------------------
# Sources page (issue 11 item 7, issue 15 item 11)


def test_a_lost_session_says_so_instead_of_showing_the_demo_set() -> None:
    """Regression (issue 15 item 11): after a server restart the browser reconnects to a fresh session,
    which silently showed the demo set in place of the user's sources."""
    at = start("sources")
    at.text_input(key="paste_name_0").input("herald")
    at.text_area(key="paste_text_0").input("A landslide blocked the railway near Kellan Bridge in March.")
    button(at, "Add source").click().run()
    assert at.query_params["sources"] in (
        "5",
        ["5"],
    )  # the address says the user has their own sources (not which)

    fresh = AppTest.from_file(str(APP), default_timeout=60)  # the server lost the session: a new one ...
    fresh.query_params["sources"] = "5"  # ... opened from the same address
    fresh.run()
    assert not fresh.exception, fresh.exception
    assert loaded_ids(fresh) == []  # nothing silently replaced by the demo set
    warning = texts(fresh.warning)
    assert "Your sources are gone" in warning and "the 5 sources you had loaded" in warning
    button(fresh, "Load the demo set").click().run()
    assert loaded_ids(fresh) == DEMO_IDS
    assert not fresh.warning

    first = AppTest.from_file(str(APP), default_timeout=60)  # a first visit: the demo set, no notice
    first.run()
    assert loaded_ids(first) == DEMO_IDS and not first.warning
    assert "sources" not in first.query_params


def test_uploads_get_readable_names_and_keep_the_file_name() -> None:
    from ui.sources import readable, upload_name

    assert upload_name("daily-herald.txt", "Rail line shut") == "daily-herald"
    assert upload_name("3f9a0c2e7b1d4e55aa01.html", "Landslide cuts rail link to the coast for months") == (
        "Landslide cuts rail link to the coast"
    )
    assert upload_name("article_20250314_000123.txt", "") == "article_20250314_000123"
    assert not readable("0b6e4c1a-77d2-4c1e-9d55-2f1b3a9e8c01")
    at = start("sources")
    page_html = (
        b"<html><head><title>Valley line closed for months</title></head><body><h1>Valley line closed for "
        b"months</h1><p>The railway near Kellan Bridge stays shut until autumn, the authority said.</p>"
        b"</body></html>"
    )
    at.file_uploader(key="upload_files_0").set_value(
        [("ec9a4c8f21367746.html", page_html, "text/html")]
    ).run()
    assert not at.exception, at.exception
    added = at.session_state["articles"][-1]
    assert added.source_id == "Valley line closed for months"
    assert added.origin == "file:ec9a4c8f21367746.html"  # the file name is kept (origin, exports)


def test_side_by_side_has_a_pager_at_the_bottom_too() -> None:

    story = demo_articles()[0]
    long_story = article_from_text(
        "long", "\n\n".join(f"Paragraph {k} says the line is shut." for k in range(300))
    )
    at = start("side_by_side", articles=[story, long_story])
    assert at.selectbox(key="sbs_page").value == 0
    assert not [b for b in at.button if b.label == "Previous rows" and not b.disabled]
    button(at, "Next rows").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="sbs_page").value == 1  # the pager at the top follows
    button(at, "Previous rows").click().run()
    assert at.selectbox(key="sbs_page").value == 0


def test_saving_says_what_changed_and_never_claims_an_unchanged_save() -> None:
    at = start("sources")
    button(at, "Save changes").click().run()  # nothing edited
    assert not at.exception, at.exception
    assert "Nothing to save" in texts(at.info)
    assert not at.success
    box = next(t for t in at.text_input if t.key and t.key.startswith("edit_name_"))
    box.input("eastmere")
    button(at, "Save changes").click().run()
    assert f"Saved: renamed “{DEMO_IDS[0]}” to “eastmere”." in texts(at.success).replace("\\", "")
    assert loaded_ids(at)[0] == "eastmere"
    assert at.session_state["edit_source"] == "eastmere"
