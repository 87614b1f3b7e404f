"""Second memberships: a sentence that states two claims joins the group of its second claim too.

Outlets pack claims differently: one writes "The quake struck at 11:11 pm, 72 km southwest of the city"
where others give the time and the location in two sentences. Competitive linking uses each sentence once
per source pair, so such a sentence joins one claim group and the other claim loses its partner in that
source. After grouping, a sentence already in one group may join a second group when

* it is its source's best sentence for that group and passes the group's cohesion floor (its mean
  score against the members, as for any source joining a group);
* the part of it that its first group does not explain matches the second group: with ``v`` the first
  group's centre (its other members) and ``u`` the second's, the sentence's embedding minus its
  projection on ``v`` must point towards ``u`` (cosine >= ``AlignConfig.second_residual``). A merely
  topical sentence, all of whose meaning its first group explains, has no such residue; a sentence
  that states both claims keeps the second after the first is taken out.

A sentence belongs to at most two groups, and only sentences already in a group get a second one: a
sentence no group took is left unique (joining it afterwards would bypass the pairwise margin).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from core.align.groups import Grouping, LinkKeys, PassageVector, PassageVectors
from core.align.lexical import Array
from core.align.units import Story
from core.config import AlignConfig


def _unit(v: Array) -> Array:
    n = float(np.linalg.norm(v))
    out: Array = v / n if n > 0 else v
    return out


@dataclass(frozen=True, slots=True)
class _Group:
    """One group as the second-membership test sees it."""

    index: int
    members: dict[str, set[int]]
    passages: dict[str, PassageVector]
    floor: float
    centre: Array  # unit sum of the members' unit embeddings


def _group_view(
    index: int, members: dict[str, set[int]], vectors: PassageVectors, config: AlignConfig
) -> _Group:
    passages = {sid: vectors(sid, min(idx), max(idx)) for sid, idx in members.items()}
    dense = np.sum([p.dense for p in passages.values()], axis=0)
    lexical: dict[int, float] = {}
    for p in passages.values():
        for i, v in zip(p.lex_indices.tolist(), p.lex_values.tolist(), strict=True):
            lexical[i] = lexical.get(i, 0.0) + v
    square = sum(p.square for p in passages.values())
    whole = float(dense @ dense) + config.lexical_weight * sum(v * v for v in lexical.values())
    k = len(passages)
    inner = (whole - square) / (k * (k - 1))
    floor = max(config.min_cohesion, min(inner, config.cohesion_cap) - config.cohesion_gap)
    return _Group(index, members, passages, floor, _unit(dense))


def _scores(group: _Group, story: Story, config: AlignConfig, rows: tuple[Array, sparse.csr_matrix]) -> Array:
    """Every body sentence's mean score against the group's members (cosine + weighted lexical);
    ``rows``: the story's dense and TF-IDF rows in float64 (cast once, not once per group: the cast of
    the whole matrix per group was 80 % of this stage on 60 retellings)."""
    dense = np.sum([p.dense for p in group.passages.values()], axis=0)
    lexical = np.zeros(story.vocabulary)
    for p in group.passages.values():
        lexical[p.lex_indices] += p.lex_values
    total = rows[0] @ dense + config.lexical_weight * (rows[1] @ lexical)
    out: Array = np.asarray(total, dtype=np.float64) / len(group.passages)
    return out


def _residual(x: Array, first: _Group, sid: str, second: _Group) -> float:
    """Cosine between what of sentence ``x`` its first group (other than its own source) does not
    explain and the second group's centre."""
    others = [p.dense for s, p in first.passages.items() if s != sid]
    if not others:
        return 0.0
    v = _unit(np.sum(others, axis=0))
    return float(_unit(x - float(x @ v) * v) @ second.centre)


def _proposals(
    groups: Sequence[_Group], story: Story, config: AlignConfig, member_of: dict[tuple[str, int], list[int]]
) -> list[tuple[float, int, str, int]]:
    """(score, group index, source, sentence index) of every qualifying second membership."""
    by_index = {g.index: g for g in groups}
    out = []
    rows = (np.asarray(story.dense, dtype=np.float64), story.lexical.astype(np.float64))
    for g in groups:
        scores = _scores(g, story, config, rows)
        for sid in story.order:
            sents = story.units[sid].sentences
            if sid in g.members or not sents:
                continue
            lo = story.offset[sid]
            best = int(np.argmax(scores[lo : lo + len(sents)]))
            if scores[lo + best] < g.floor:
                continue
            index = sents[best].index
            firsts = member_of.get((sid, index), [])
            if len(firsts) != 1:
                continue
            residual = _residual(story.dense[lo + best].astype(np.float64), by_index[firsts[0]], sid, g)
            if residual >= config.second_residual:
                out.append((float(scores[lo + best]), g.index, sid, index))
    return out


def _direct_link(group: _Group, sid: str, index: int, story: Story, config: AlignConfig) -> tuple[str, float]:
    """The member a joining sentence agrees with best, and the ratio margin of that pair in its source
    pair (score over the mean of both sides' k best scores in the other source; no question penalty)."""
    w, k = config.lexical_weight, config.neighbours
    row = story.offset[sid] + story.pos[sid][index]
    x_dense = story.dense[row].astype(np.float64)
    x_lex = np.asarray(story.lexical[row].toarray(), dtype=np.float64).ravel()

    def score(p: PassageVector) -> float:
        return float(x_dense @ p.dense) + w * float(x_lex[p.lex_indices] @ p.lex_values)

    partner = max(group.passages, key=lambda s: (score(group.passages[s]), -story.order.index(s)))
    p = group.passages[partner]

    def knn(lo: int, n: int, dense: Array, lex: Array) -> float:
        rows = story.dense[lo : lo + n] @ dense + w * (story.lexical[lo : lo + n] @ lex)
        return float(np.sort(np.asarray(rows, dtype=np.float64).ravel())[-k:].mean())

    p_lex = np.zeros(story.vocabulary)
    p_lex[p.lex_indices] = p.lex_values
    knn_x = knn(story.offset[partner], len(story.units[partner].sentences), x_dense, x_lex)
    knn_p = knn(story.offset[sid], len(story.units[sid].sentences), p.dense, p_lex)
    return partner, score(p) / max((knn_x + knn_p) / 2.0, 1e-6)


def add_second_memberships(grouping: Grouping, story: Story, config: AlignConfig) -> None:
    """Adds a sentence to a second group when it states that group's claim too (see the module).

    Mutates ``grouping``: joins are made best score first, at most two groups per sentence; each join
    records a direct link to the member it agrees with best (with that pair's ratio margin).
    """
    if config.second_residual > 1.0:
        return
    vectors = PassageVectors(story, config.lexical_weight)
    groups = [_group_view(k, g, vectors, config) for k, g in enumerate(grouping.groups) if len(g) >= 2]
    member_of: dict[tuple[str, int], list[int]] = {}
    for g in groups:
        for sid, idx in g.members.items():
            for i in idx:
                member_of.setdefault((sid, i), []).append(g.index)
    proposals = _proposals(groups, story, config, member_of)
    proposals.sort(key=lambda p: (-p[0], p[1], story.order.index(p[2]), p[3]))
    by_index = {g.index: g for g in groups}
    key = LinkKeys(story)
    order = {s: n for n, s in enumerate(story.order)}
    for _, k, sid, i in proposals:
        if sid in grouping.groups[k] or len(member_of[(sid, i)]) >= 2:
            continue
        partner, margin = _direct_link(by_index[k], sid, i, story, config)
        idx = by_index[k].members[partner]
        first = member_of[(sid, i)][0]
        if any(first in member_of.get((partner, j), ()) for j in idx):
            # The partner shares the sentence's first group (it joined that group as its own second
            # claim): their agreement is that claim, not evidence for this one.
            continue
        grouping.groups[k][sid] = {i}
        member_of[(sid, i)].append(k)
        mine, theirs = (i, i), (min(idx), max(idx))
        if order[sid] < order[partner]:
            grouping.direct_margin[key(order[sid], mine, order[partner], theirs)] = margin
        else:
            grouping.direct_margin[key(order[partner], theirs, order[sid], mine)] = margin
