"""A self-contained HTML report of a comparison: one file to send, read offline and print.

No external request and no script: the charts are static SVG from ``core.charts`` (their hover text is
an SVG ``<title>``), styles are inline, and a Content-Security-Policy (``default-src 'none'``) stops a
browser from running or fetching anything even if some text slipped through. Every piece of article
text, title and source name goes through ``html.escape``. Print CSS keeps claim rows and table rows
whole across pages and prints the relation colours.

Sections: headline figures; the sources; consensus per claim; the timeline of dates; the figures; the
claims side by side with facts highlighted and what differs written out; passages only one source
carries; the divergences table (conflicts first; capped, the CSV has them all); the settings.
"""

from __future__ import annotations

import html
import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from core.charts import build_panels, figures_svg, legend_items, timeline_svg
from core.consensus import ROLE_LABELS, Consensus, Role, comparison_consensus, unit_label
from core.export import Settings
from core.model import Comparison, Fact, FactKind, FactPair, Relation
from core.presentation import (
    REL_COLOURS,
    REL_LABELS,
    RELATION_LABELS,
    RELATION_ORDER,
    SEVERITY,
    SIDE_A,
    SIDE_B,
)

MAX_DIVERGENCE_ROWS = 2_000
MAX_NOTES_PER_CLAIM = 40


def esc(text: object) -> str:
    """HTML-escapes untrusted text for element content and attribute values."""
    return html.escape(str(text), quote=True)


# --------------------------------------------------------------------------------------------------
# Highlighted passages


@dataclass(frozen=True, slots=True)
class _Mark:
    start: int
    end: int
    kind: str
    rel: str
    notes: tuple[str, ...]


def _marks(pairs: Sequence[FactPair]) -> dict[str, list[_Mark]]:
    """Per source, its compared facts, each with the most severe relation it has and every note."""
    by_span: dict[tuple[str, int, int, str], list[tuple[str, str]]] = defaultdict(list)
    for fp in pairs:
        rel = Relation(fp.relation)
        why = fp.explanation or str(fp.relation).replace("_", " ")
        if fp.a is not None:
            by_span[(fp.source_a, fp.a.start, fp.a.end, str(fp.kind))].append(
                (SIDE_A[rel], f"vs {fp.source_b}: {why}")
            )
        if fp.b is not None:
            by_span[(fp.source_b, fp.b.start, fp.b.end, str(fp.kind))].append(
                (SIDE_B[rel], f"vs {fp.source_a}: {why}")
            )
    out: dict[str, list[_Mark]] = defaultdict(list)
    for (sid, start, end, kind), rels in by_span.items():
        worst = max((r for r, _ in rels), key=lambda r: SEVERITY[r])
        out[sid].append(_Mark(start, end, kind, worst, tuple(dict.fromkeys(n for _, n in rels))))
    return out


def highlight(text: str, start: int, end: int, marks: Sequence[_Mark]) -> str:
    """Escaped ``text[start:end]`` with each fact inside it wrapped in ``<mark>`` (a quote underlined;
    a number inside a quote gets both)."""
    inside = [m for m in marks if m.start < end and m.end > start and m.end > m.start]
    if not inside:
        return esc(text[start:end])
    cuts = sorted({start, end, *(max(start, m.start) for m in inside), *(min(end, m.end) for m in inside)})
    out: list[str] = []
    for x, y in itertools.pairwise(cuts):
        piece = esc(text[x:y])
        active = [m for m in inside if m.start <= x and m.end >= y]
        for group in ([m for m in active if m.kind != "quote"], [m for m in active if m.kind == "quote"]):
            if group:
                m = min(group, key=lambda m: m.end - m.start)
                title = f"{m.kind}: {REL_LABELS[m.rel]}\n" + "\n".join(m.notes)
                piece = f'<mark class="k-{esc(m.kind)} r-{m.rel}" title="{esc(title)}">{piece}</mark>'
        out.append(piece)
    return "".join(out)


# --------------------------------------------------------------------------------------------------
# Sections


def _headline(cmp: Comparison) -> str:
    n = len(cmp.articles)
    differing = [fp for fp in cmp.facts if fp.relation != Relation.SAME]
    kinds = Counter(str(fp.kind) for fp in differing)
    items = [
        ("Sources", n),
        ("Sentences", sum(len(s) for s in cmp.sentences.values())),
        ("Claim groups", len(cmp.claims)),
        ("Shared by all", sum(1 for c in cmp.claims if len(c.passages) == n)),
        ("Unique passages", len(cmp.unique)),
        ("Divergences", len(differing)),
        ("Conflicts", sum(1 for fp in differing if fp.relation == Relation.CONFLICT)),
        ("Numbers differing", kinds.get("number", 0)),
        ("Dates differing", kinds.get("date", 0)),
        ("Names differing", kinds.get("name", 0)),
        ("Quotes differing", kinds.get("quote", 0)),
    ]
    cells = "".join(f'<div class="metric"><span>{esc(k)}</span><b>{v:,}</b></div>' for k, v in items)
    return f'<section id="summary"><h2>Summary</h2><div class="metrics">{cells}</div></section>'


def _sources(cmp: Comparison) -> str:
    rows = "".join(
        "<tr>"
        f"<td><b>{esc(a.source_id)}</b></td><td>{esc(a.title)}</td>"
        f"<td>{esc(a.published.isoformat()) if a.published else '—'}</td>"
        f'<td class="wrap">{esc(a.origin)}</td><td class="num">{len(a.text):,}</td>'
        f"<td>{esc('; '.join(a.notes))}</td>"
        "</tr>"
        for a in cmp.articles
    )
    return (
        '<section id="sources"><h2>Sources</h2><table class="t"><thead><tr><th>name</th><th>headline</th>'
        "<th>published</th><th>origin</th><th>characters</th><th>notes</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _consensus(items: Sequence[Consensus]) -> str:
    rows = []
    for c in items:
        if len(c.members) < 3:
            continue
        what = "date" if c.slot.kind == FactKind.DATE else unit_label(c.slot.unit)
        if c.declared:
            value = f"<b>{esc(c.value)}</b>"
            backing = f"{len(c.backers)} of {len(c.members)}"
        else:
            value = f'<span class="muted">none: {esc(c.reason)}</span>'
            backing = f"{len(c.members)} sources"
        others = [
            f'<span class="role role-{m.role}">{esc(ROLE_LABELS[m.role])}</span> {esc(m.source_id)}: '
            f"{esc(m.fact.value)}"
            for m in c.members
            if c.declared and m.role not in {Role.AGREES}
        ]
        agree = ", ".join(esc(m.source_id) for m in c.members if c.declared and m.role == Role.AGREES)
        rows.append(
            f'<tr><td class="num">#{c.slot.claim_id}</td><td>{esc(what)}</td><td>{value}</td>'
            f'<td class="num">{backing}</td><td>{agree}</td><td>{"<br>".join(others)}</td></tr>'
        )
    if not rows:
        return (
            '<section id="consensus"><h2>Consensus per claim</h2><p class="muted">No date or figure is '
            "stated by three or more sources in one claim group.</p></section>"
        )
    return (
        '<section id="consensus"><h2>Consensus per claim</h2><p class="muted">For each date or figure three '
        "or more sources state in one claim group: the most specific value more than half of them state or "
        "refine (interval containment, not a vote on wording); else the range a majority share.</p>"
        '<table class="t"><thead><tr><th>claim</th><th>what</th><th>consensus</th><th>backing</th>'
        "<th>agree</th><th>the others</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _inline(svg: str) -> str:
    """An SVG inside HTML needs no namespace declaration: without it the report holds no URL at all."""
    return svg.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)


_CHART_W = 1152  # the report's text column (1200 px less padding): the charts fill it, print scales them


def _legend(items: Sequence[tuple[str, str]]) -> str:
    spans = "".join(
        f'<span class="lg"><i style="background:{c}"></i>{esc(words)}</span>' for c, words in items
    )
    return f'<div class="legend">{spans}<span class="lg"><i class="band"></i>consensus</span></div>'


def _charts(cmp: Comparison, items: Sequence[Consensus]) -> str:
    dates = [p for p in build_panels(cmp, FactKind.DATE, consensus=items) if len(p.consensus.members) >= 2]
    numbers = [
        p for p in build_panels(cmp, FactKind.NUMBER, consensus=items) if len(p.consensus.members) >= 2
    ]
    roles = legend_items((*dates, *numbers))
    out = ['<section id="timeline"><h2>Timeline of dates</h2>']
    svg = timeline_svg(dates, width=_CHART_W, uid="tl")
    if svg:
        out.append(
            '<p class="muted">Each bar covers the days a source\'s words cover (a day, a month, '
            "“late 2024” = September to December); bars that do not overlap disagree. Hatched: the year "
            "is not stated. A fading bar with an arrow: “since …” / “until …”. Dates two or more sources "
            "state.</p>"
        )
        out.append(_legend(roles) + f'<div class="chart">{_inline(svg)}</div>')
    else:
        out.append('<p class="muted">No date is stated by two or more sources in one claim group.</p>')
    out.append('</section><section id="figures"><h2>Figures</h2>')
    svg = figures_svg(numbers, width=_CHART_W, uid="fg")
    if svg:
        out.append(
            '<p class="muted">One axis per claim and counted thing. ◆ exact figure; bar: range; band with a '
            "tick: “about X” / “nearly X”; band and arrow: “over X” (the band is how a reader takes it, the "
            "arrow what the words allow); arrow to the left: “up to X”.</p>"
        )
        out.append(_legend(roles) + f'<div class="chart">{_inline(svg)}</div>')
    else:
        out.append('<p class="muted">No figure is stated by two or more sources in one claim group.</p>')
    out.append("</section>")
    return "".join(out)


def _rel_badge(fp: FactPair) -> str:
    rel = Relation(fp.relation)
    return f'<span class="rel r-{SIDE_A[rel]}">{esc(RELATION_LABELS[rel])}</span>'


def _claim_notes(pairs: Sequence[FactPair]) -> str:
    shown = sorted(
        (fp for fp in pairs if fp.relation != Relation.SAME),
        key=lambda fp: (RELATION_ORDER.get(Relation(fp.relation), 5), str(fp.kind)),
    )
    if not shown:
        return '<p class="notes muted">All compared facts are the same.</p>' if pairs else ""
    items = "".join(
        f"<li>{_rel_badge(fp)} {esc(fp.kind)} · {esc(fp.source_a)} vs {esc(fp.source_b)}: "
        f"{esc(fp.explanation or _pair_values(fp))}</li>"
        for fp in shown[:MAX_NOTES_PER_CLAIM]
    )
    more = len(shown) - MAX_NOTES_PER_CLAIM
    tail = f'<li class="muted">… and {more:,} more (see the divergences table)</li>' if more > 0 else ""
    return f'<ul class="notes">{items}{tail}</ul>'


def _pair_values(fp: FactPair) -> str:
    return " vs ".join(f.value or f.text for f in (fp.a, fp.b) if f is not None)


def _grid(cmp: Comparison) -> str:
    pairs_by_claim: dict[int, list[FactPair]] = defaultdict(list)
    for fp in cmp.facts:
        pairs_by_claim[fp.claim_id].append(fp)
    texts = {a.source_id: a.text for a in cmp.articles}
    blocks = []
    for claim in cmp.claims:
        pairs = pairs_by_claim.get(claim.claim_id, [])
        marks = _marks(pairs)
        worst = min((RELATION_ORDER.get(Relation(fp.relation), 5) for fp in pairs), default=9)
        status = {0: "conflict", 9: "all same"}.get(worst, "differing facts")
        if not cmp.is_compared(claim.claim_id):
            status = "facts not compared"
        elif not pairs:
            status = "no facts"
        cells = "".join(
            f'<div class="cell"><div class="src">{esc(p.source_id)}</div>'
            f"{highlight(texts[p.source_id], p.start, p.end, marks.get(p.source_id, []))}</div>"
            for p in claim.passages
        )
        klass = {"conflict": "st-conflict", "differing facts": "st-differs", "all same": "st-same"}.get(
            status, ""
        )
        blocks.append(
            f'<article class="claim {klass}" id="claim-{claim.claim_id}"><h3>Claim #{claim.claim_id} '
            f'<span class="muted">· {len(claim.passages)} sources · {esc(status)}</span></h3>'
            f'<div class="grid">{cells}</div>{_claim_notes(pairs)}</article>'
        )
    legend = "".join(f'<mark class="r-{k}">{esc(v)}</mark> ' for k, v in REL_LABELS.items())
    body = "".join(blocks) or '<p class="muted">No passage is shared by two sources.</p>'
    return (
        '<section id="claims"><h2>Claims side by side</h2><p class="muted">Each claim group with every '
        f"source's passage; facts are highlighted by how they compare: {legend}— quotes are underlined. "
        f"What differs is written out under each claim.</p>{body}</section>"
    )


def _unique(cmp: Comparison) -> str:
    by_source: dict[str, list[str]] = defaultdict(list)
    for p in cmp.unique:
        by_source[p.source_id].append(p.text)
    if not by_source:
        return ""
    parts = [
        f"<h3>{esc(sid)} <span class='muted'>· {len(by_source[sid])}</span></h3><ul class='unique'>"
        + "".join(f"<li>{esc(t)}</li>" for t in by_source[sid])
        + "</ul>"
        for sid in cmp.source_ids
        if sid in by_source
    ]
    return f'<section id="unique"><h2>Only in one source</h2>{"".join(parts)}</section>'


def _value(f: Fact | None) -> str:
    return "" if f is None else (f.value or f.text)


def _divergences(cmp: Comparison, limit: int) -> str:
    rows = sorted(
        (fp for fp in cmp.facts if fp.relation != Relation.SAME),
        key=lambda fp: (RELATION_ORDER.get(Relation(fp.relation), 5), str(fp.kind), fp.claim_id),
    )
    if not rows:
        return (
            '<section id="divergences"><h2>Divergences</h2><p class="muted">No compared fact differs.</p>'
            "</section>"
        )
    body = "".join(
        f'<tr><td class="num">#{fp.claim_id}</td><td>{esc(fp.kind)}</td>'
        f"<td>{_rel_badge(fp)}</td>"
        f"<td>{esc(fp.source_a)}<br><span class='muted'>{esc(_value(fp.a))}</span></td>"
        f"<td>{esc(fp.source_b)}<br><span class='muted'>{esc(_value(fp.b))}</span></td>"
        f"<td>{esc(fp.explanation)}</td></tr>"
        for fp in rows[:limit]
    )
    more = (
        f'<p class="muted">Showing {limit:,} of {len(rows):,}; divergences.csv lists them all.</p>'
        if len(rows) > limit
        else ""
    )
    return (
        '<section id="divergences"><h2>Divergences</h2><p class="muted">Every compared fact that differs, '
        "conflicts first.</p>"
        '<table class="t"><thead><tr><th>claim</th><th>kind</th><th>relation</th><th>source A</th>'
        f"<th>source B</th><th>what differs</th></tr></thead><tbody>{body}</tbody></table>{more}</section>"
    )


def _settings(settings: Settings | None, cmp: Comparison) -> str:
    items = []
    if settings is not None:
        if settings.backend:
            items.append(("embedding backend", settings.backend))
        items += [(k.replace("_", " "), v) for k, v in asdict(settings.align).items()]
    rows = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in items)
    warnings = "".join(f"<li>{esc(w)}</li>" for w in cmp.warnings)
    return (
        '<section id="settings"><h2>Settings and notes</h2>'
        + (f'<table class="t small"><tbody>{rows}</tbody></table>' if rows else "")
        + (f"<ul>{warnings}</ul>" if warnings else "")
        + "</section>"
    )


# --------------------------------------------------------------------------------------------------
# The page

_CSS = (
    """
:root{--fg:#1f2430;--muted:#5f6570;--line:#e1e4ea}
*{box-sizing:border-box}
body{font:14px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);
  margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid var(--line);
  padding-bottom:4px}h3{font-size:15px;margin:14px 0 6px}
.muted{color:var(--muted)}nav a{color:#2155b8;margin-right:12px;text-decoration:none}
.metrics{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}
.metric{border:1px solid var(--line);border-radius:8px;padding:8px 10px}
.metric span{display:block;color:var(--muted);font-size:12px}.metric b{font-size:22px}
table.t{border-collapse:collapse;width:100%;font-size:13px}
.t th{text-align:left;color:var(--muted);font-weight:500;border-bottom:1px solid var(--line);padding:5px 6px}
.t td{border-top:1px solid #eef0f3;padding:5px 6px;vertical-align:top}.t.small{width:auto}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}.wrap{overflow-wrap:anywhere}
.chart{overflow-x:auto}.chart svg{max-width:100%;height:auto}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;margin:6px 0}
.lg{display:inline-flex;align-items:center;gap:5px}
.lg i{width:12px;height:12px;border-radius:2px;display:inline-block}
.lg i.band{width:20px;background:rgba(46,157,91,.12);border:1px dashed #2e9d5b}
.claim{border-top:1px solid var(--line);padding:6px 0 10px;border-left:4px solid #c9ced6;padding-left:10px;
  margin:8px 0}
.claim.st-same{border-left-color:#7cc59b}.claim.st-differs{border-left-color:#f2b84b}
.claim.st-conflict{border-left-color:#d9463b}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:8px}
.cell{background:#f7f8fa;border-radius:6px;padding:6px 8px;overflow-wrap:anywhere}
.cell .src{font-weight:600;font-size:12px;color:var(--muted)}
.notes{margin:6px 0 0;padding-left:18px;font-size:13px}.unique li{margin:2px 0}
mark{padding:0 2px;border-radius:3px;color:inherit;border-bottom:2px solid transparent}
mark.k-quote{background:transparent;border-bottom-style:dotted}
.rel{display:inline-block;padding:0 6px;border-radius:999px;font-size:12px;border:1px solid transparent}
.role{font-size:12px;color:var(--muted)}.role-outlier{color:#c62828;font-weight:600}
"""
    + "".join(
        f"mark.r-{k},.rel.r-{k}{{background:{bg};border-color:{fg};border-bottom-color:{fg}}}"
        f"mark.k-quote.r-{k}{{background:transparent}}"
        for k, (bg, fg) in REL_COLOURS.items()
    )
    + """
mark.r-less{border-bottom-style:dashed}mark.r-same{background:transparent}
@page{size:A4;margin:14mm 12mm}
@media print{
  body{max-width:none;padding:0;font-size:11.5px}nav{display:none}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  h2{break-after:avoid;page-break-after:avoid}h3{break-after:avoid}
  .claim,.metric,tr,.chart svg g{break-inside:avoid;page-break-inside:avoid}
  .chart{overflow:visible}.grid{grid-template-columns:repeat(auto-fit,minmax(170px,1fr))}
  thead{display:table-header-group}
}
"""
)
_SECTIONS = (
    ("summary", "Summary"),
    ("sources", "Sources"),
    ("consensus", "Consensus"),
    ("timeline", "Timeline"),
    ("figures", "Figures"),
    ("claims", "Claims"),
    ("unique", "Only in one"),
    ("divergences", "Divergences"),
)
_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def build_report(
    cmp: Comparison,
    *,
    settings: Settings | None = None,
    title: str = "",
    consensus: Sequence[Consensus] | None = None,
    max_divergences: int = MAX_DIVERGENCE_ROWS,
) -> str:
    """The report as one HTML document (UTF-8 text).

    Args:
        cmp: The comparison.
        settings: What it was made with (listed at the end).
        title: Heading; defaults to the first source's headline.
        consensus: ``comparison_consensus(cmp)`` when already computed.
        max_divergences: Most rows of the divergences table (the CSV has them all).
    """
    items = list(consensus) if consensus is not None else comparison_consensus(cmp)
    heading = title or next((a.title for a in cmp.articles if a.title), "") or "News comparison"
    names = ", ".join(cmp.source_ids)
    nav = "".join(f'<a href="#{k}">{v}</a>' for k, v in _SECTIONS)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{esc(heading)} — source comparison</title><style>{_CSS}</style></head><body>",
        (
            f"<header><h1>{esc(heading)}</h1><p class='muted'>How {len(cmp.articles)} sources report it: "
            f"{esc(names)}. Made with Newscompare.</p><nav>{nav}</nav></header>"
        ),
        _headline(cmp),
        _sources(cmp),
        _consensus(items),
        _charts(cmp, items),
        _grid(cmp),
        _unique(cmp),
        _divergences(cmp, max_divergences),
        _settings(settings, cmp),
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(cmp: Comparison, path: Path, *, settings: Settings | None = None) -> Path:
    """Writes ``build_report`` to ``path`` (UTF-8) and returns it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_report(cmp, settings=settings), encoding="utf-8")
    return path
