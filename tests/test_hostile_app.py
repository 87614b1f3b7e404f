"""The hostile-input battery through the Streamlit app (AppTest, hashing backend: no model).

Each hostile paste or upload must leave the app without an exception, show a message, and keep every
source that was loaded before.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core.config import DEFAULT_LIMITS
from core.demo import demo_articles
from core.ingest import article_from_text
from core.model import Article

APP = Path(__file__).resolve().parents[1] / "app.py"
SOURCES_PAGE = "views/sources.py"
DEMO_IDS = [a.source_id for a in demo_articles()]
STORY = (
    "A landslide blocked the Tarrow Valley railway near Kellan Bridge in March. "
    "Repairs will cost 16 million euros, officials said."
)
MARKUP = ":red[ALERT] $$\\frac{1}{0}$$ &lt;b&gt; &amp; <script>alert(1)</script> [x](javascript:alert(2))"


@pytest.fixture(autouse=True)
def _hashing_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSCOMPARE_BACKEND", "hashing")


def start(articles: list[Article] | None = None, page: str | None = SOURCES_PAGE) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if articles is not None:
        at.session_state["articles"] = articles
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def ids(at: AppTest) -> list[str]:
    return [a.source_id for a in at.session_state["articles"]]


def texts(elements: Any) -> str:
    return "\n".join(str(e.value) for e in elements).replace("\\", "")


def form_round(at: AppTest) -> int:
    try:
        return at.session_state["form_round"]
    except KeyError:
        return 0


def click(at: AppTest, label: str) -> None:
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}"
    matches[0].click().run()


def paste(at: AppTest, name: str, text: str, title: str = "") -> None:
    r = form_round(at)
    at.text_input(key=f"paste_name_{r}").input(name)
    at.text_input(key=f"paste_title_{r}").input(title)
    at.text_area(key=f"paste_text_{r}").input(text)
    click(at, "Add source")


def upload(at: AppTest, files: list[tuple[str, bytes]]) -> None:
    r = form_round(at)
    at.file_uploader(key=f"upload_files_{r}").set_value([(n, d, "text/plain") for n, d in files]).run()


def assert_refused(at: AppTest, before: list[str], needle: str) -> None:
    assert not at.exception, at.exception
    assert needle in texts(at.error), texts(at.error)
    assert ids(at) == before


def assert_added(at: AppTest, before: list[str], name: str) -> Article:
    assert not at.exception, at.exception
    assert not at.error, texts(at.error)
    assert ids(at) == [*before, name]
    assert "Added" in texts(at.success)
    return at.session_state["articles"][-1]


# --------------------------------------------------------------------------------------------------
# Pasted text


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "text box is empty"),
        ("   \n\t  \n", "text box is empty"),
        ("\u200b\u200d\ufeff\u00a0", "no readable text"),
        ("... !!! ??? ---", "no readable text"),
        ("<html><body><script>alert(1)</script></body></html>", "no readable text"),
    ],
)
def test_unreadable_paste(text: str, needle: str) -> None:
    at = start()
    paste(at, "hostile", text)
    assert_refused(at, DEMO_IDS, needle)


def test_oversized_paste() -> None:
    at = start()
    text = (STORY + "\n\n") * (DEFAULT_LIMITS.max_upload_bytes // len(STORY) + 10)
    paste(at, "huge", text)
    assert_refused(at, DEMO_IDS, "the limit is")


def test_hostile_pastes_are_added_one_after_another() -> None:
    """Markup, scripts, bidi controls, a 10,000-character title, a 200,000-character line, numbers only,
    German and Russian: each is added, the app keeps running and earlier sources stay loaded."""
    at = start()
    loaded = list(DEMO_IDS)
    cases = [
        ("markup", f"The council approved it. {MARKUP} {STORY}", f"Title {MARKUP}"),
        ("html", f"<!DOCTYPE html><html><body><p>{STORY}</p><img src=x onerror=alert(1)></body></html>", ""),
        ("bidi", "The\u200b rail\u202eway\u202c was \u2066blocked\u2069 in March. " + STORY, ""),
        ("long-title", STORY, "Headline " * 1_111),
        ("long-line", " ".join(f"word{k}" for k in range(30_000))[:200_000], ""),
        ("numbers", "2024-03-05\n\n12 345 678\n\n3.14 2.71 1,000,000 45% 1990–1995", ""),
        (
            "german",
            "Ein Erdrutsch blockierte im März die Bahnstrecke. Die Reparatur kostet 16 Mio. Euro.",
            "",
        ),
        ("russian", "Оползень в марте перекрыл железную дорогу. Ремонт обойдётся в 16 млн евро.", ""),
    ]
    for name, text, title in cases:
        paste(at, name, text, title)
        art = assert_added(at, loaded, name)
        loaded.append(name)
        assert len(art.title) <= 300
        if name == "html":
            assert "alert" not in art.text
    for page in ("views/overview.py", "views/side_by_side.py", "views/claims.py", "views/downloads.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
    assert ids(at) == loaded


# --------------------------------------------------------------------------------------------------
# Uploaded files


def test_hostile_uploads() -> None:
    at = start()
    german = "Café „Zur Brücke“: Müller sagte, die Größe sei 5 €. Die Arbeiten beginnen im März."
    files = [
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8),
        ("empty.txt", b""),
        ("huge.txt", b"x " * (DEFAULT_LIMITS.max_upload_bytes // 2 + 1)),
        ("cp1252.txt", german.encode("cp1252")),
        ("latin1.txt", "Caf\u00e9 \u00bd: the railway reopens in October.".encode("latin-1")),
        ("utf16.txt", german.encode("utf-16")),
        ("eol.txt", b"Line one is here.\r\nLine two is here.\rLine three.\n"),
        ("script.html", b"<html><body><script>alert(1)</script><p>" + STORY.encode() + b"</p></body></html>"),
        ("markup.md", f"# Title {MARKUP}\n\n{STORY} {MARKUP}".encode()),
    ]
    upload(at, files)
    assert not at.exception, at.exception
    errors = texts(at.error)
    assert "binary.txt: looks like a binary file" in errors
    assert "empty.txt: the file is empty" in errors
    assert "huge.txt: the file is" in errors
    added = ["cp1252", "latin1", "utf16", "eol", "script", "markup"]
    assert ids(at) == [*DEMO_IDS, *added]
    by_id = {a.source_id: a for a in at.session_state["articles"]}
    assert "Müller" in by_id["cp1252"].text
    assert "Müller" in by_id["utf16"].text
    assert "alert" not in by_id["script"].text
    at.switch_page("views/overview.py").run()
    assert not at.exception, at.exception


# --------------------------------------------------------------------------------------------------
# Numbers of sources


def _copies(n: int) -> list[Article]:
    return [article_from_text(f"copy{k:02d}", STORY) for k in range(n)]


def test_one_source_shows_a_message() -> None:
    at = start(_copies(1), page=None)
    shown = texts(at.error) + texts(at.warning) + texts(at.info)
    assert "two sources" in shown
    assert ids(at) == ["copy00"]


def test_fifty_identical_sources() -> None:
    at = start(_copies(50), page=None)
    assert {m.label: m.value for m in at.metric}["Sources"] == "50"
    assert ids(at) == [f"copy{k:02d}" for k in range(50)]


def test_sixty_first_source_is_refused() -> None:
    at = start(_copies(DEFAULT_LIMITS.max_sources))
    before = ids(at)
    paste(at, "one-too-many", STORY)
    assert_refused(at, before, "At most 60 sources")


def test_sixty_one_injected_sources_show_a_message() -> None:
    at = start(_copies(DEFAULT_LIMITS.max_sources + 1), page=None)
    shown = texts(at.error) + texts(at.warning) + texts(at.info)
    assert "at most 60" in shown
    assert len(ids(at)) == 61


# --------------------------------------------------------------------------------------------------
# Removing and undoing, filters on hostile names


def test_hostile_name_removed_and_restored() -> None:
    name = ":red[boom] <b>x</b> $$y$$"
    at = start()
    paste(at, name, STORY)
    assert ids(at) == [*DEMO_IDS, name]
    at.switch_page("views/claims.py").run()
    at.multiselect(key="claims_sources").set_value([name]).run()
    assert not at.exception, at.exception
    at.switch_page(SOURCES_PAGE).run()
    at.selectbox(key="edit_source").set_value(name).run()
    click(at, "Remove source")
    assert not at.exception, at.exception
    assert ids(at) == DEMO_IDS
    raw = "\n".join(str(e.value) for e in at.success)
    assert "\\:red\\[boom\\]" in raw and "\\<b\\>" in raw and "\\$\\$" in raw  # shown as typed, not run
    at.switch_page("views/claims.py").run()
    assert not at.exception, at.exception
    assert at.multiselect(key="claims_sources").value == []
    at.switch_page(SOURCES_PAGE).run()
    click(at, "Undo")
    assert not at.exception, at.exception
    assert ids(at) == [*DEMO_IDS, name]
    assert at.session_state["articles"][-1].text.startswith("A landslide")


# --------------------------------------------------------------------------------------------------
# Source names (issue 15 items 2 and 12)

COLUMN_NAMES = ["claim", "sources", "agreement", "conflicts", "differing facts"]


def test_sources_named_like_claims_columns_do_not_crash_the_claims_page() -> None:
    """Regression: a source named "claim" (or "sources", "agreement", ...) made ui.tables.claims_table
    build a duplicate column and the Claims page crashed."""
    demo = demo_articles()
    named = [replace(a, source_id=n) for a, n in zip(demo, COLUMN_NAMES, strict=False)]
    extra = article_from_text("differing facts", STORY)
    at = start([*named, extra], page="views/claims.py")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(set(table.columns)) == len(table.columns)
    assert set(table.columns[:5]) == set(COLUMN_NAMES)  # the fixed columns keep their meaning ...
    assert table["claim"].dtype.kind == "i"
    for name in COLUMN_NAMES:
        assert f"{name} (source)" in table.columns  # ... and each source has its own column
    at.multiselect(key="claims_sources").set_value(["claim"]).run()
    assert not at.exception, at.exception
    at.text_input(key="claims_query").input("railway").run()
    assert not at.exception, at.exception


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("\u200b", "no visible characters"),
        ("\u200b\u200d\ufeff", "no visible characters"),
        ("evil\u202etxt.exe", "text-direction control"),
        ("\u2067right\u2069", "text-direction control"),
        ("Cafe\u0301", "would look the same"),  # "Café" (NFC) is loaded: the same name in NFD
        ("ﬁsh", "would look the same"),  # NFKC folds the ligature: "fish" is loaded
    ],
)
def test_unreadable_or_lookalike_names_are_refused(name: str, needle: str) -> None:
    at = start([*demo_articles(), article_from_text("Café", STORY), article_from_text("fish", STORY)])
    before = ids(at)
    paste(at, name, STORY + " More words here.")
    assert_refused(at, before, needle)
    # Renaming to such a name is refused too, and keeps the old name.
    at.selectbox(key="edit_source").set_value(DEMO_IDS[0]).run()
    box = next(t for t in at.text_input if t.key and t.key.startswith("edit_name_"))
    box.input(name)
    click(at, "Save changes")
    assert_refused(at, before, needle)


def test_edit_form_caps_the_headline_like_ingest() -> None:
    from ui.sources import cap_title

    at = start()
    box = next(t for t in at.text_input if t.key and t.key.startswith("edit_title_"))
    assert box.max_chars == 300
    assert 290 <= len(cap_title("Headline " * 120_000)) <= 300  # the cap holds for any caller
    huge = article_from_text("huge-title", STORY)
    at = start([*demo_articles(), replace(huge, title="H" * 1_000_000)])
    at.selectbox(key="edit_source").set_value("huge-title").run()
    assert not at.exception, at.exception  # the form opens on a source whose headline is too long ...
    box = next(t for t in at.text_input if t.key and t.key.startswith("edit_title_"))
    box.input("A headline " * 100)
    click(at, "Save changes")
    assert not at.exception, at.exception
    assert len(at.session_state["articles"][-1].title) <= 300  # ... and saves at most 300 characters


@given(
    st.lists(
        st.one_of(
            st.sampled_from([*COLUMN_NAMES, "claim (source)", "Claim", " claim "]), st.text(max_size=30)
        ),
        min_size=2,
        max_size=8,
    )
)
@settings(max_examples=200, deadline=None)
def test_any_unicode_source_names_give_a_claims_table(names: list[str]) -> None:
    """Whatever names pass the name check, the Claims table has one column per source, none clashing."""
    from core.model import Claim, Comparison, Passage
    from ui.sources import clean_name, name_problem
    from ui.tables import CLAIM_COLUMNS, claims_table

    accepted: list[str] = []
    for raw in names:
        name = clean_name(raw)
        if name_problem(name, accepted) is None:
            accepted.append(name)
    arts = tuple(Article(n, "", f"text of {k}") for k, n in enumerate(accepted))
    passages = tuple(Passage(n, 0, 0, 0, len(f"text of {k}"), f"text of {k}") for k, n in enumerate(accepted))
    claims = (Claim(1, passages),) if len(passages) >= 2 else ()
    cmp = Comparison(articles=arts, sentences={}, claims=claims, links=(), unique=())
    frame = claims_table(cmp)
    assert len(set(frame.columns)) == len(frame.columns) == len(CLAIM_COLUMNS) + len(accepted)
    assert list(frame.columns[: len(CLAIM_COLUMNS)]) == CLAIM_COLUMNS
    if claims:
        row = frame.iloc[0]
        texts_shown = sorted(str(v) for v in row.iloc[len(CLAIM_COLUMNS) :])
        assert texts_shown == sorted(p.text for p in passages)
    for name in accepted:  # accepted names are visible and direction-safe
        assert name.strip() and not any(
            ch in name for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        )
