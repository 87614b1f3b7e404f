"""HTML for the side-by-side view, the legend and small labels. Pure string building, no Streamlit.

Every piece of article text and every source name is untrusted: it goes through ``ui.text.esc``
(``html.escape`` with quotes) before it reaches HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.model import Article, Comparison, FactPair, Relation, Sentence
from core.presentation import REL_COLOURS
from core.summary import Summary
from ui.analysis import (
    REL_LABELS,
    RELATION_LABELS,
    SIDE_A,
    STATUS_LABELS,
    Cell,
    Mark,
    Row,
    Status,
    fact_marks,
    fact_value,
    row_statuses,
)
from ui.text import esc, md_escape, shorten
from ui.worddiff import word_diff_html

# Re-exported: older imports from ui.render keep working.
__all__ = ["esc", "md_escape", "shorten", "word_diff_html"]

# --------------------------------------------------------------------------------------------------
# Styles

STATUS_COLOURS = {
    Status.ABSENT: "#eceff3",
    Status.UNCOMPARED: "#b9c3d3",
    Status.SAME: "#7cc59b",
    Status.DIFFERS: "#f2b84b",
    Status.CONFLICT: "#d9463b",
}

CSS = (
    """
<style>
.nc-legend {display:flex;flex-wrap:wrap;gap:.35rem .9rem;align-items:center;font-size:.85rem;
  margin:.2rem 0 .6rem}
.nc-legend .lbl {color:#555}
.nc mark, .nc-legend mark {padding:0 .12em;border-radius:3px;color:inherit;
  border-bottom:2px solid transparent}
.nc mark.kind-quote, .nc-legend mark.kind-quote {background:transparent;border-bottom-width:2px;
  border-bottom-style:dotted}
.nc mark.rel-conflict {font-weight:600}
.nc details.nc-f {display:inline;position:relative}
/* a disclosure inside a sentence must not break the line (browsers without ::details-content do) */
.nc details.nc-f::details-content {display:inline}
.nc details.nc-f > summary {display:inline;list-style:none;cursor:pointer}
.nc details.nc-f > summary::-webkit-details-marker {display:none}
.nc details.nc-f > summary:focus-visible {outline:2px solid #2155b8;outline-offset:1px;border-radius:3px}
.nc details.nc-f[open] > summary > mark {box-shadow:0 0 0 2px #1f2430}
.nc details.nc-f:not([open]) > .nc-why {display:none}
.nc .nc-why {position:absolute;left:0;top:calc(100% + 3px);z-index:6;display:block;width:max-content;
  max-width:min(24rem,70vw);background:#fff;color:#1f2430;border:1px solid #c9ced6;border-radius:6px;
  box-shadow:0 4px 14px rgba(31,36,48,.18);padding:.35rem .55rem;font-size:.8rem;line-height:1.35;
  font-weight:400;white-space:normal;text-align:left}
.nc .nc-why > b {display:block;font-weight:600;margin-bottom:.1rem}
.nc .nc-why > span {display:block;overflow-wrap:anywhere}
.nc .nc-ref, .nc-notes {display:none}
.nc-notes {grid-column:1 / -1;margin:.2rem 0 0;padding:.3rem .6rem .1rem 5.2rem;font-size:.8rem;
  color:#3b4150;list-style:none;border-top:1px dashed #e1e4ea}
.nc-notes li {margin:.1rem 0;overflow-wrap:anywhere}
.nc-notes .n {display:inline-block;min-width:1.2rem;font-weight:700;font-size:.72rem}
@media print {
  .nc details.nc-f > .nc-why {display:none !important}
  .nc .nc-ref {display:inline;font-size:.65em;vertical-align:super;font-weight:700;margin-left:1px}
  .nc-notes {display:block}
  .nc-head {position:static}
  .nc-row {break-inside:avoid}
}
"""
    + "\n".join(
        f".nc mark.rel-{rel}, .nc-legend mark.rel-{rel} {{background:{bg};border-bottom-color:{fg}}}\n"
        f".nc mark.kind-quote.rel-{rel} {{background:transparent;border-bottom-color:{fg}}}"
        for rel, (bg, fg) in REL_COLOURS.items()
    )
    + "\n".join(
        f".nc-rel.rel-{rel} {{background:{bg};border-color:{fg}}}" for rel, (bg, fg) in REL_COLOURS.items()
    )
    + """
.nc mark.rel-less, .nc-legend mark.rel-less {border-bottom-style:dashed}
.nc mark.rel-same, .nc-legend mark.rel-same {background:transparent;border-bottom:2px solid #8fcca8}
.nc {font-size:.93rem;line-height:1.5;color:#1f2430;background:#fff;border-radius:8px}
.nc-legend {color:#1f2430;background:#fff;border-radius:6px;padding:.2rem .4rem}
.nc-row {display:grid;gap:.55rem;padding:.45rem 0;border-top:1px solid #e6e8ec;align-items:start}
.nc-head {position:sticky;top:3.6rem;z-index:2;background:#fff;border-top:none;padding-bottom:.35rem;
  border-bottom:2px solid #d5d9e0}
.nc-head .src {font-weight:600;overflow-wrap:anywhere}
.nc-head .meta {font-weight:400;color:#5f6570;font-size:.8rem;display:block}
.nc-lab {font-size:.78rem;color:#5f6570;text-align:right;padding-top:.25rem;line-height:1.25}
.nc-lab b {display:block;font-size:.9rem;color:#1f2430}
.nc-dot {display:inline-block;width:.6rem;height:.6rem;border-radius:50%;margin-right:.2rem;
  vertical-align:baseline}
.nc-cell {padding:.45rem .6rem;border-radius:6px;background:#f7f8fa;border-left:3px solid #c9ced6;
  overflow-wrap:anywhere;min-width:0}
.nc-cell.empty {background:transparent;border-left:3px solid transparent;color:#a0a6b0;font-size:.8rem}
.nc-cell.solo {background:#fff;border:1px dashed #b9a3e3;border-left:3px solid #8f6ad6}
.nc-cell.solo.seen-elsewhere {border-color:#c9ced6;border-left-color:#9aa1ab}
.nc-row.st-same .nc-cell:not(.empty) {border-left-color:#7cc59b}
.nc-row.st-differs .nc-cell:not(.empty) {border-left-color:#f2b84b}
.nc-row.st-conflict .nc-cell:not(.empty) {border-left-color:#d9463b}
.nc-tag {display:inline-block;font-size:.72rem;color:#5f6570;background:#eceff3;border-radius:4px;
  padding:0 .35rem;margin-bottom:.2rem}
.nc-tag.only {background:#efe3ff;color:#4f2a96}
.nc-tag.moved {background:#fff1c7;color:#7a5600}
.nc-h {font-weight:700}
.nc .diff {background:#fff;border:1px solid #e1e4ea;border-radius:4px;padding:.3rem .45rem;margin-top:.4rem;
  font-size:.85rem}
.nc .diff-lab {display:block;font-size:.72rem;color:#5f6570;margin-bottom:.1rem}
.nc-tag.diff-ref {background:#e3ecff;color:#2155b8}
.nc ins {background:#d7f5dd;text-decoration:none;border-radius:2px}
.nc del {background:#ffe0de;color:#8a1f17;border-radius:2px}
.nc-empty-note {color:#5f6570;padding:1rem 0}
.nc-facts {width:100%;border-collapse:separate;border-spacing:0;font-size:.875rem;line-height:1.4;
  color:#1f2430;background:#fff;border:1px solid #e1e4ea;border-radius:8px;overflow:hidden}
.nc-facts th {text-align:left;font-weight:500;color:#5f6570;background:#f7f8fa;padding:.4rem .6rem;
  border-bottom:1px solid #e1e4ea;white-space:nowrap}
.nc-facts td {padding:.4rem .6rem;border-top:1px solid #eef0f3;vertical-align:top}
.nc-facts tbody tr:first-child td {border-top:none}
.nc-facts tbody tr:hover td {background:#fafbfc}
.nc-facts td.claim {color:#5f6570;white-space:nowrap;width:3.5rem;font-variant-numeric:tabular-nums}
.nc-facts td.kind {white-space:nowrap;width:4.5rem}
.nc-facts td.rel {white-space:nowrap;width:8rem}
.nc-facts td.pair {width:24%;overflow-wrap:anywhere}
.nc-facts td.pair .vs {color:#8a909a;font-size:.8rem;padding:0 .2rem}
.nc-facts td.what {overflow-wrap:anywhere}
.nc-kinds {border-collapse:collapse;font-size:.85rem;color:#1f2430;width:100%;
  border:1px solid rgba(49,51,63,.2);border-radius:.5rem}
.nc-kinds th, .nc-kinds td {padding:.18rem .6rem;text-align:right;font-variant-numeric:tabular-nums}
.nc-kinds th:first-child {text-align:left;font-weight:500;color:#5f6570}
.nc-kinds thead th {font-weight:500;color:#5f6570;font-size:.78rem;border-bottom:1px solid #e1e4ea}
.nc-rel {display:inline-block;padding:0 .45rem;border-radius:999px;font-size:.8rem;
  border:1px solid transparent}
</style>
"""
)


def legend_html() -> str:
    """The colour legend of highlighted facts."""
    items = "".join(
        f'<mark class="rel-{rel}">{esc(REL_LABELS[rel])}</mark>'
        for rel in ("same", "more", "less", "overlap", "conflict", "only")
    )
    return (
        '<div class="nc-legend"><span class="lbl">Facts (numbers, dates, names):</span>'
        f'{items}<span class="lbl">· quotes are underlined ·</span>'
        '<span class="lbl">select a highlight (click, tap or Enter) to see what differs</span></div>'
    )


# --------------------------------------------------------------------------------------------------
# Text with highlighted facts


@dataclass
class _Node:
    """A highlighted span and the spans nested inside it (``mark`` None for the sentence itself)."""

    mark: Mark | None
    start: int
    end: int
    children: list[_Node] = field(default_factory=list)


@dataclass(frozen=True)
class Note:
    """An explained fact of a row, numbered in reading order: the row's footer lists them (in print)."""

    number: int
    source_id: str
    text: str
    mark: Mark


def highlight(
    text: str,
    start: int,
    end: int,
    marks: Sequence[Mark],
    *,
    notes: list[Note] | None = None,
    source: str = "",
) -> str:
    """Escaped ``text[start:end]`` with every fact overlapping it highlighted.

    Facts nest (a number inside a quote is a highlight inside the quote's); a fact that crosses the end of
    the one it starts in is cut there. With ``notes``, each fact that starts here is a disclosure
    (``<details>``): click, Enter or a tap opens what differs, and the fact is appended to ``notes`` for
    the row's printed footer unless it is the same in every source. Without ``notes`` (or for the tail of
    a fact begun in an earlier sentence) it is a plain ``<mark>`` with the explanation as its hover title.
    """
    inside = sorted(
        (m for m in marks if m.start < end and m.end > start and m.end > m.start),
        key=lambda m: (max(m.start, start), -min(m.end, end), m.kind != "quote"),
    )
    root = _Node(None, start, end)
    stack = [root]
    for m in inside:
        lo, hi = max(m.start, start), min(m.end, end)
        while stack[-1] is not root and stack[-1].end <= lo:
            stack.pop()
        parent = stack[-1]
        hi = min(hi, parent.end)
        if hi <= lo:
            continue
        node = _Node(m, lo, hi)
        parent.children.append(node)
        stack.append(node)
    return _render(text, root, notes, source)


def _render(text: str, node: _Node, notes: list[Note] | None, source: str) -> str:
    m = node.mark
    selectable = m is not None and notes is not None and m.start == node.start
    note: Note | None = None
    if selectable and m is not None and notes is not None and m.rel != "same":  # print lists what differs
        note = Note(len(notes) + 1, source, text[m.start : m.end], m)  # numbered before what it holds
        notes.append(note)
    parts: list[str] = []
    pos = node.start
    for child in node.children:
        parts.append(esc(text[pos : child.start]))
        parts.append(_render(text, child, notes, source))
        pos = child.end
    parts.append(esc(text[pos : node.end]))
    inner = "".join(parts)
    if m is None:
        return inner
    klass = f"fact kind-{esc(m.kind)} rel-{esc(m.rel)}"
    title = esc(f"{m.kind}: {REL_LABELS[m.rel]}\n" + "\n".join(m.notes))
    if not selectable:
        return f'<mark class="{klass}" title="{title}">{inner}</mark>'
    ref = f'<sup class="nc-ref">{note.number}</sup>' if note is not None else ""
    return (
        f'<details class="nc-f"><summary title="{title}"><mark class="{klass}">{inner}</mark>{ref}</summary>'
        f"{_why(m)}</details>"
    )


def _why(m: Mark) -> str:
    """The panel a selected fact opens: its kind and relation, then one line per compared source."""
    lines = "".join(f"<span>{esc(note)}</span>" for note in m.notes)
    head = f"{esc(m.kind)} · {esc(REL_LABELS[m.rel])}"
    return f'<span class="nc-why" role="note"><b class="rel-{esc(m.rel)}">{head}</b>{lines}</span>'


def notes_html(notes: Sequence[Note]) -> str:
    """A row's footer: every fact of the row that differs, numbered like its highlight (shown in print)."""
    if not notes:
        return ""
    items = "".join(
        f'<li><span class="n">{n.number}</span> <b>{esc(n.source_id)}</b> · “{esc(shorten(n.text, 120))}” '
        f"({esc(n.mark.kind)}, {esc(REL_LABELS[n.mark.rel])}): {esc('; '.join(n.mark.notes))}</li>"
        for n in notes
    )
    return f'<ol class="nc-notes">{items}</ol>'


def sentences_html(
    article: Article,
    sentences: Sequence[Sentence],
    first: int,
    last: int,
    marks: Sequence[Mark],
    *,
    notes: list[Note] | None = None,
) -> str:
    """Sentences ``first..last`` of an article, headings in bold, paragraph breaks kept."""
    parts: list[str] = []
    prev_end: int | None = None
    for s in sentences[first : last + 1]:
        if prev_end is not None:
            parts.append("<br>" if "\n" in article.text[prev_end : s.start] else " ")
        body = highlight(article.text, s.start, s.end, marks, notes=notes, source=article.source_id)
        parts.append(f'<span class="nc-h">{body}</span>' if s.is_heading else body)
        prev_end = s.end
    return "".join(parts)


# --------------------------------------------------------------------------------------------------
# The side-by-side grid


def _grid(n: int) -> str:
    return f"grid-template-columns:4.6rem repeat({n}, minmax(0, 1fr))"


def header_html(cmp: Comparison, sources: Sequence[str]) -> str:
    cols = []
    for sid in sources:
        art = cmp.article(sid)
        meta = " · ".join(
            x for x in (shorten(art.title, 90), art.published.isoformat() if art.published else "") if x
        )
        cols.append(f'<div class="src">{esc(sid)}<span class="meta">{esc(meta)}</span></div>')
    return f'<div class="nc-row nc-head" style="{_grid(len(sources))}"><div></div>{"".join(cols)}</div>'


def row_html(
    cmp: Comparison,
    row: Row,
    sources: Sequence[str],
    *,
    status: Status,
    marks: dict[str, list[Mark]],
    unique: set[tuple[str, int]],
    diff: str | None,
) -> str:
    """One row: a label column, then one cell per shown source (empty where it says nothing here).

    With ``diff`` (a source id), every other passage of a claim row that source carries ends with its word
    diff against that source's passage.
    """
    css = {Status.SAME: "st-same", Status.DIFFERS: "st-differs", Status.CONFLICT: "st-conflict"}.get(
        status, ""
    )
    if row.claim_id is not None:
        dot = f'<span class="nc-dot" style="background:{STATUS_COLOURS[status]}"></span>'
        label = f"<b>#{row.claim_id}</b>{dot}{esc(STATUS_LABELS[status])}"
        anchor = f' id="claim-{row.claim_id}"'
    else:
        label, anchor = "", ""
    reference = row.cells.get(diff) if diff is not None and row.claim_id is not None else None
    notes: list[Note] = []
    cells = []
    for sid in sources:
        c = row.cells.get(sid)
        if c is None:  # in a claim row, say that this source has no passage for it
            note = "no matching passage" if row.claim_id is not None else ""
            cells.append(f'<div class="nc-cell empty">{note}</div>')
            continue
        art = cmp.article(sid)
        body = sentences_html(art, cmp.sentences[sid], c.first, c.last, marks.get(sid, ()), notes=notes)
        tags = ""
        klass = "nc-cell"
        if row.claim_id is None:
            only_here = all((sid, i) in unique for i in range(c.first, c.last + 1))
            klass += " solo" if only_here else " solo seen-elsewhere"
            tags = (
                '<span class="nc-tag only">only in this source</span><br>'
                if only_here
                else '<span class="nc-tag">not matched among the shown sources</span><br>'
            )
        elif c.moved:
            tags = (
                f'<span class="nc-tag moved" title="Shown out of reading order, next to its matches">'
                f"↕ sentence {c.first + 1} of this source</span><br>"
            )
        extra = ""
        if reference is not None and c is reference:
            tags += '<span class="nc-tag diff-ref">word diff reference</span><br>'
        elif reference is not None:
            ref_text = cmp.article(reference.source_id).text[reference.start : reference.end]
            heading = f'<span class="diff-lab">Word diff against {esc(reference.source_id)}</span>'
            extra = f'<div class="diff">{heading}{word_diff_html(ref_text, art.text[c.start : c.end])}</div>'
        cells.append(f'<div class="{klass}">{tags}{body}{extra}</div>')
    return (
        f'<div class="nc-row {css}"{anchor} style="{_grid(len(sources))}">'
        f'<div class="nc-lab">{label}</div>{"".join(cells)}{notes_html(notes)}</div>'
    )


def grid_html(
    cmp: Comparison,
    rows: Sequence[Row],
    statuses: Sequence[Status],
    sources: Sequence[str],
    marks: dict[str, list[Mark]],
    *,
    diff: str | None = None,
) -> str:
    """The whole block of rows (one ``st.html`` call), with a sticky header of source names."""
    unique = {(p.source_id, i) for p in cmp.unique for i in p.indices}
    body = "".join(
        row_html(cmp, r, sources, status=st, marks=marks, unique=unique, diff=diff)
        for r, st in zip(rows, statuses, strict=True)
    )
    if not rows:
        body = '<div class="nc-empty-note">No rows match the filter.</div>'
    return f'<div class="nc">{header_html(cmp, sources)}{body}</div>'


def claim_preview_html(cmp: Comparison, claim_id: int) -> str:
    """One claim group as a single side-by-side row (its sources only), with highlighted facts."""
    claim = next(c for c in cmp.claims if c.claim_id == claim_id)
    sources = [s for s in cmp.source_ids if claim.passage(s) is not None]
    row = Row(
        0, claim_id, {p.source_id: Cell(p.source_id, p.first, p.last, p.start, p.end) for p in claim.passages}
    )
    (status,) = row_statuses(cmp, [row], sources)
    marks = {sid: fact_marks(cmp, sid, sources) for sid in sources}
    return legend_html() + grid_html(cmp, [row], [status], sources, marks)


# --------------------------------------------------------------------------------------------------
# A short table of compared facts


def kinds_table_html(counts: Summary) -> str:
    """Differences and omissions per kind of fact, as a small table beside the headline numbers."""
    rows = "".join(
        f"<tr><th>{label}</th><td>{counts.differences_by_kind.get(kind, 0)}</td>"
        f"<td>{counts.by_kind.get(kind, 0) - counts.differences_by_kind.get(kind, 0)}</td></tr>"
        for kind, label in (("number", "Numbers"), ("date", "Dates"), ("name", "Names"), ("quote", "Quotes"))
    )
    return (
        '<table class="nc-kinds"><thead><tr><th></th><th>differences</th><th>omissions</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def facts_table_html(facts: Sequence[FactPair]) -> str:
    """Compared facts as a table whose explanations wrap instead of being cut off (a few rows only)."""
    rows = []
    for fp in facts:
        rel = Relation(fp.relation)
        label = RELATION_LABELS.get(rel, str(fp.relation))
        what = fp.explanation or " vs ".join(v for v in (fact_value(fp.a), fact_value(fp.b)) if v)
        rows.append(
            "<tr>"
            f'<td class="claim">#{int(fp.claim_id)}</td>'
            f'<td class="kind">{esc(str(fp.kind))}</td>'
            f'<td class="rel"><span class="nc-rel rel-{SIDE_A[rel]}">{esc(label)}</span></td>'
            f'<td class="pair">{esc(fp.source_a)}<span class="vs">vs</span>{esc(fp.source_b)}</td>'
            f'<td class="what">{esc(what)}</td>'
            "</tr>"
        )
    head = (
        "<thead><tr><th>claim</th><th>kind</th><th>relation</th><th>source A vs source B</th>"
        "<th>what differs</th></tr></thead>"
    )
    return f'<table class="nc-facts">{head}<tbody>{"".join(rows)}</tbody></table>'
