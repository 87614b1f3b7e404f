"""The aligner's answer: claim groups as passages, every pair of passages within them as a link, and the
body sentences no other source carries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse

from core.align.groups import Grouping, LinkKeys
from core.align.lexical import Array, normalise_rows, normalise_sparse, row_sum
from core.align.units import Story
from core.model import Claim, Link, Passage


def make_claims(grouping: Grouping, story: Story, texts: Mapping[str, str]) -> tuple[Claim, ...]:
    """Groups of two or more sources as claims (one passage per source, in source order), numbered by
    where they first appear (first source, then its first sentence)."""
    order_pos = {sid: k for k, sid in enumerate(story.order)}
    raw_claims = []
    for members in grouping.groups:
        if len(members) < 2:
            continue
        passages = []
        for sid in story.order:
            if sid in members:
                idx = sorted(members[sid])
                pos = story.pos[sid]
                p = story.units[sid].passage(pos[idx[0]], pos[idx[-1]])
                passages.append(
                    Passage(p.source_id, p.first, p.last, p.start, p.end, texts[sid][p.start : p.end])
                )
        raw_claims.append(tuple(passages))
    raw_claims.sort(key=lambda ps: (order_pos[ps[0].source_id], ps[0].first))
    return tuple(Claim(k + 1, ps) for k, ps in enumerate(raw_claims))


def _passage_rows(ps: Sequence[Passage], rows: Sequence[Sequence[int]], story: Story) -> sparse.csr_matrix:
    """One TF-IDF row per passage, the sum of its sentences' rows with columns ascending: the matrix
    ``vstack([csr_matrix(lexical[r].sum(axis=0)) ...])`` built, bit for bit, from the CSR arrays (that
    way cost 5.5 of 20 profiled seconds on 20 retellings, in scipy's per-call checks)."""
    cols: list[Array] = []
    vals: list[Array] = []
    for p, r in zip(ps, rows, strict=True):
        lexical = story.units[p.source_id].lexical
        if list(r) == list(range(r[0], r[-1] + 1)):
            c, v = row_sum(lexical, r[0], r[-1] + 1)
        else:  # not contiguous: scipy's own sum (a passage's rows are contiguous; kept for safety)
            dense = np.asarray(lexical[r].sum(axis=0)).ravel()
            c = np.flatnonzero(dense)
            v = dense[c]
        order = np.argsort(c, kind="stable")
        cols.append(c[order])
        vals.append(v[order])
    indptr = np.concatenate([[0], np.cumsum([len(c) for c in cols])])
    shape = (len(ps), story.vocabulary)
    return sparse.csr_matrix((np.concatenate(vals), np.concatenate(cols), indptr), shape=shape)


def _claim_links(claim: Claim, story: Story, direct_margin: Mapping[int, float], key: LinkKeys) -> list[Link]:
    """Every pair of the claim's passages, with cosine and lexical similarity of the passage sums, and
    the margin of the direct link when the aligner made one."""
    ps = claim.passages
    order_pos = {sid: k for k, sid in enumerate(story.order)}
    # One vector per passage, then one product per claim (a 60-way claim has 1,770 pairs).
    rows = [[story.pos[p.source_id][i] for i in p.indices] for p in ps]
    dense = normalise_rows(
        np.stack([story.units[p.source_id].dense[r].sum(axis=0) for p, r in zip(ps, rows, strict=True)])
    )
    lexical = normalise_sparse(_passage_rows(ps, rows, story))
    sims: Array = dense @ dense.T
    lexs: Array = (lexical @ lexical.T).toarray()
    links = []
    for x in range(len(ps)):
        for y in range(x + 1, len(ps)):
            pa, pb = ps[x], ps[y]
            ka, kb = order_pos[pa.source_id], order_pos[pb.source_id]
            margin = direct_margin.get(key(ka, (pa.first, pa.last), kb, (pb.first, pb.last)))
            links.append(
                Link(
                    pa,
                    pb,
                    round(float(sims[x, y]), 4),
                    round(margin, 4) if margin is not None else 0.0,
                    round(float(lexs[x, y]), 4),
                    direct=margin is not None,
                    claim_id=claim.claim_id,
                )
            )
    return links


def claim_links(
    claims: Sequence[Claim], grouping: Grouping, story: Story, *, max_links: int | None = None
) -> tuple[tuple[Link, ...], int]:
    """The links of claims #1..#n while their pairs fit in ``max_links`` (None: all).

    Returns:
        The links, and how many claims (in order) they cover; -1 when all of them.
    """
    key = LinkKeys(story)
    links: list[Link] = []
    for n_claim, claim in enumerate(claims):
        ps = claim.passages
        if max_links is not None and len(links) + len(ps) * (len(ps) - 1) // 2 > max_links:
            return tuple(links), n_claim
        links.extend(_claim_links(claim, story, grouping.direct_margin, key))
    return tuple(links), -1


def unique_passages(story: Story, claims: Sequence[Claim]) -> tuple[Passage, ...]:
    """Body sentences in no claim, one passage each, in source order."""
    in_claim = {(p.source_id, i) for c in claims for p in c.passages for i in p.indices}
    return tuple(
        Passage(s.source_id, s.index, s.index, s.start, s.end, s.text)
        for sid in story.order
        for s in story.units[sid].sentences
        if (sid, s.index) not in in_claim
    )
