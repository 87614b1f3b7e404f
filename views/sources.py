"""Sources: what is loaded, adding (paste, files, link), renaming, dating and removing sources."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.model import Article
from ui import page, state
from ui.saved import open_saved_comparison
from ui.sources import (
    UPLOAD_HELP,
    UPLOAD_TYPES,
    SourceError,
    from_paste,
    from_upload,
    from_url,
    slug,
    usage_line,
)
from ui.text import esc, md_escape

page.header(
    "Sources",
    "The articles being compared. Add reports of the same story by pasting text, uploading files or "
    "giving a link; rename them, set their publication dates or remove them.",
)
st.session_state.setdefault("form_round", 0)
ROUND = st.session_state["form_round"]  # bumped after a successful add, so the forms start empty


def done(message: str | None = None) -> None:
    """Queues a success message (if any) and reruns with fresh, empty forms."""
    if message:
        state.flash("success", message)
    st.session_state["form_round"] = ROUND + 1
    st.rerun()


def undo_bar(where: str) -> None:
    """What the last removal did, with an Undo button that puts the removed sources back."""
    step = state.last_undo()
    if step is None:
        return
    c1, c2 = st.columns([5, 1], vertical_alignment="center")
    c1.success(step.message, icon=":material/delete:")
    if c2.button("Undo", icon=":material/undo:", key=f"undo_{where}", width="stretch"):
        step = state.undo()
        if step is not None:
            state.flash("toast", step.undone)
            if step.restored:
                st.session_state["edit_source_next"] = step.restored
        st.rerun()  # the add forms keep what the user typed


# --------------------------------------------------------------------------------------------------
# What is loaded

articles = state.articles()
st.subheader(f"Loaded sources ({len(articles)})", anchor=False)
if articles:
    table = pd.DataFrame(
        [
            {
                "name": a.source_id,
                "title": a.title,
                "published": a.published.isoformat() if a.published else "—",
                "origin": a.origin,
                "characters": len(a.text),
                "notes": "; ".join(a.notes),
            }
            for a in articles
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "name": st.column_config.TextColumn("name", width=170),
            "title": st.column_config.TextColumn("title", width=400),
            "published": st.column_config.TextColumn("published", width=95),
            "origin": st.column_config.TextColumn("origin", width=140),
            "characters": st.column_config.NumberColumn("characters", format="%d", width=85),
            "notes": st.column_config.TextColumn("notes", width=120),
        },
        key="sources_table",
    )
else:
    st.info("No sources loaded. Add some below or reload the demo set.", icon=":material/info:")
# A removal in the edit form below is undone there, where the user clicked; anything else here.
REMOVED_ONE = bool(articles) and getattr(state.last_undo(), "kind", None) == "remove"
if not REMOVED_ONE:
    undo_bar("top")
st.caption(usage_line(articles))
c1, c2, _ = st.columns([1, 1, 3])
if c1.button("Reload the demo set", icon=":material/science:", disabled=state.is_demo(), width="stretch"):
    had_sources = bool(articles)
    state.load_demo()
    done(None if had_sources else "Loaded the demo set.")  # a replacement shows its Undo bar instead
with c2.popover("Remove all", icon=":material/delete_sweep:", disabled=not articles, width="stretch"):
    st.write("Remove every loaded source? You can undo this right after.")
    if st.button("Yes, remove all", type="primary", key="confirm_clear"):
        state.clear()
        done()

# --------------------------------------------------------------------------------------------------
# Adding sources
# (Restoring sources from a saved comparison file, comparison.json, belongs here too: the notice shown
# after a server restart, ui.page.lost_notice, sends the user to this page.)
open_saved_comparison()

st.subheader("Add sources", anchor=False)
paste_tab, upload_tab, url_tab = st.tabs(
    [
        ":material/content_paste: Paste text",
        ":material/upload_file: Upload files",
        ":material/link: From a link",
    ]
)

with paste_tab, st.form(f"paste_form_{ROUND}", border=False):
    c1, c2, c3 = st.columns([2, 3, 1.3])
    name = c1.text_input(
        "Name", key=f"paste_name_{ROUND}", placeholder="e.g. daily-herald", max_chars=state.MAX_NAME_CHARS
    )
    title = c2.text_input("Headline (optional)", key=f"paste_title_{ROUND}")
    published = c3.date_input("Publication date", value=None, key=f"paste_date_{ROUND}", format="YYYY-MM-DD")
    text = st.text_area(
        "Article text",
        key=f"paste_text_{ROUND}",
        height=200,
        placeholder="Paste the body of the article here.",
    )
    if st.form_submit_button("Add source", type="primary", icon=":material/add:"):
        given = state.clean_name(name)
        problem = state.check_name(given) if given else None
        if problem:
            st.error(md_escape(problem), icon=":material/error:")
        else:
            sid = given or state.unique_name(slug(title) or "pasted")
            try:
                article = from_paste(sid, title, text, published)
            except SourceError as exc:
                st.error(md_escape(str(exc)), icon=":material/error:")
            else:
                problem = state.add(article)
                if problem:
                    st.error(md_escape(problem), icon=":material/error:")
                else:
                    done(f"Added “{md_escape(sid)}”.")


def add_uploads(files: list[Any]) -> None:
    """Adds every chosen file at once (one step, no second button); refused files get one line each."""
    added: list[str] = []
    errors: list[str] = []
    for f in files:
        try:
            article = from_upload(f.name, f.getvalue(), taken=state.source_ids())
        except SourceError as exc:
            errors.append(str(exc))
            continue
        problem = state.add(article)
        if problem:
            errors.append(f"{f.name}: {problem}")
        else:
            added.append(article.source_id)
    for e in errors:
        state.flash("error", md_escape(e))
    # A fresh, empty uploader either way: the files were taken in, or refused with a message above.
    done("Added " + ", ".join(f"“{md_escape(a)}”" for a in added) + "." if added else None)


with upload_tab:
    files = st.file_uploader(
        "Article files",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=f"upload_files_{ROUND}",
        help=UPLOAD_HELP,
    )
    st.caption("Chosen files are added at once; each becomes a source you can rename below.")
    if files:
        add_uploads(list(files))

with url_tab, st.form(f"url_form_{ROUND}", border=False):
    c1, c2 = st.columns([3, 1])
    url = c1.text_input("Link to the article", key=f"url_value_{ROUND}", placeholder="https://…")
    url_name = c2.text_input("Name (optional)", key=f"url_name_{ROUND}", max_chars=state.MAX_NAME_CHARS)
    st.caption("The page is fetched once by the server; only public http(s) addresses are allowed.")
    if st.form_submit_button("Fetch and add", type="primary", icon=":material/download:"):
        given = state.clean_name(url_name)
        problem = state.check_name(given) if given else None
        if not url.strip():
            st.error("Enter a link first.", icon=":material/error:")
        elif problem:
            st.error(md_escape(problem), icon=":material/error:")
        else:
            try:
                with st.spinner("Fetching the page…"):
                    article = from_url(url, name=given, taken=state.source_ids())
            except SourceError as exc:
                st.error(md_escape(str(exc)), icon=":material/error:")
            else:
                problem = state.add(article)
                if problem:
                    st.error(md_escape(problem), icon=":material/error:")
                else:
                    done(f"Added “{md_escape(article.source_id)}” from the link.")

# --------------------------------------------------------------------------------------------------
# Editing one source


def save_edits(art: Article, name: str, title: str, published: Any) -> None:
    """Applies only what the user changed in the form, re-checks it landed, and says exactly what was
    saved ("Saved" never shows for a change that did not happen)."""
    what = state.changes(art, new_name=name, title=title, published=published)
    if not what:
        st.info("Nothing to save: the form shows the source as it is.", icon=":material/info:")
        return
    problem = state.update(art.source_id, **what)
    if problem:
        st.error(md_escape(problem), icon=":material/error:")
        return
    saved = state.article(state.clean_name(name) if "new_name" in what else art.source_id)
    if saved is None:  # cannot happen within one session; never claim a save that is not there
        st.error("The change could not be saved: the source is no longer loaded.", icon=":material/error:")
        return
    st.session_state["edit_source_next"] = saved.source_id
    state.flash("success", state.describe_changes(art, saved))
    st.rerun()


if articles:
    st.subheader("Edit a source", anchor=False)
    if REMOVED_ONE:
        undo_bar("edit")
    ids = [a.source_id for a in articles]
    pending = st.session_state.pop("edit_source_next", None)
    if pending in ids:
        st.session_state["edit_source"] = pending
    if st.session_state.get("edit_source") not in ids:
        st.session_state["edit_source"] = ids[0]
    sid = st.selectbox("Source", ids, key="edit_source")
    art = next(a for a in articles if a.source_id == sid)
    form_id = f"{ROUND}_{ids.index(sid)}_{hash(art) & 0xFFFFFFFF:x}"  # new widgets for a new source
    with st.form(f"edit_form_{form_id}", border=True):
        c1, c2, c3 = st.columns([2, 3, 1.3])
        new_name = c1.text_input(
            "Name", value=art.source_id, max_chars=state.MAX_NAME_CHARS, key=f"edit_name_{form_id}"
        )
        new_title = c2.text_input(
            "Headline",
            value=art.title[: state.MAX_TITLE_CHARS],  # a longer value would make Streamlit raise
            max_chars=state.MAX_TITLE_CHARS,
            key=f"edit_title_{form_id}",
        )
        new_date = c3.date_input(
            "Publication date", value=art.published, key=f"edit_date_{form_id}", format="YYYY-MM-DD"
        )
        b1, b2, _ = st.columns([1, 1, 3])
        save = b1.form_submit_button("Save changes", type="primary", icon=":material/save:", width="stretch")
        delete = b2.form_submit_button("Remove source", icon=":material/delete:", width="stretch")
    if save:
        save_edits(art, new_name, new_title, new_date)
    if delete:
        state.remove(sid)  # the Undo bar above says so and can put it back
        st.rerun()
    with st.expander("Cleaned text", icon=":material/article:", expanded=False):
        if art.notes:
            st.caption("Notes: " + md_escape("; ".join(art.notes)))
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in art.text.split("\n\n"))
        st.html(f'<div class="nc" style="max-height:24rem;overflow:auto">{paragraphs}</div>')
        if art.removed:
            st.caption("Lines removed as page furniture (bylines, timestamps, credits, footers):")
            st.html(
                '<ul style="font-size:.85rem;color:#5f6570">'
                + "".join(f"<li>{esc(line)}</li>" for line in art.removed)
                + "</ul>"
            )
