"""N-way claim groups from pairwise links: a union-find, strongest link first, that keeps one contiguous
passage per source per group (never across a paragraph break) and admits a source only when it agrees
with the group (average linkage)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.align.candidates import LinkTable
from core.align.lexical import Array, row_sum
from core.align.units import Story
from core.config import AlignConfig

Node = tuple[str, int]  # (source id, sentence index)


@dataclass(frozen=True, slots=True)
class PassageVector:
    """One source's passage as the cohesion check sees it: a unit sentence-embedding sum and a unit
    TF-IDF sum (kept sparse as indices and values)."""

    dense: Array
    lex_indices: Array
    lex_values: Array
    sorted_indices: Array  # ``lex_indices`` ascending (a row's own order is the TF-IDF build's)
    sorted_values: Array  # ``lex_values`` in that order
    probe: Array  # ``sorted_indices`` and one past the vocabulary (a search never runs off the end)
    square: float  # |dense|^2 + w * |lexical|^2 (1 + w, or less for a passage without any content word)


class PassageVectors:
    """Passage vectors of a story by (source id, first, last sentence index), computed once each."""

    def __init__(self, story: Story, lexical_weight: float) -> None:
        self.story = story
        self.lexical_weight = lexical_weight
        self.cache: dict[tuple[str, int, int], PassageVector] = {}

    def __call__(self, sid: str, first: int, last: int) -> PassageVector:
        key = (sid, first, last)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        units, pos = self.story.units[sid], self.story.pos[sid]
        lo, hi = pos[first], pos[last] + 1
        v = units.dense[lo:hi].sum(axis=0, dtype=np.float64)
        v_norm = float(np.linalg.norm(v))
        indices, values = row_sum(units.lexical, lo, hi)
        values = values.astype(np.float64)
        l_norm = float(np.linalg.norm(values))
        if l_norm > 0:
            values = values / l_norm
        order = np.argsort(indices, kind="stable")
        pv = PassageVector(
            v / max(v_norm, 1e-9),
            indices,
            values,
            indices[order],
            values[order],
            np.append(indices[order], self.story.vocabulary),
            (1.0 if v_norm > 0 else 0.0) + self.lexical_weight * (1.0 if l_norm > 0 else 0.0),
        )
        self.cache[key] = pv
        return pv


@dataclass(slots=True)
class _Stats:
    """Sums over one group's passages (one per source), so that the mean pairwise score of the group
    and the mean score of newcomers against it cost O(d + V) rather than O(k^2) sparse products:
    sum over pairs of x.y = (|sum x|^2 - sum |x|^2) / 2."""

    dense: Array
    lexical: Array  # dense over the story's vocabulary
    square: float
    count: int

    def copy(self) -> _Stats:
        return _Stats(self.dense.copy(), self.lexical.copy(), self.square, self.count)

    def add(self, v: PassageVector, sign: float = 1.0) -> None:
        self.dense += sign * v.dense
        self.lexical[v.lex_indices] += sign * v.lex_values  # indices of one passage are unique
        self.square += sign * v.square
        self.count += 1 if sign > 0 else -1

    def pair_total(self, lexical_weight: float) -> float:
        whole = float(self.dense @ self.dense) + lexical_weight * float(self.lexical @ self.lexical)
        return (whole - self.square) / 2.0


class Groups:
    """Union-find over (source, sentence index) keeping one contiguous run per source per group."""

    def __init__(self, story: Story, vector: PassageVectors, config: AlignConfig) -> None:
        self.parent: dict[Node, Node] = {}
        self.members: dict[Node, dict[str, set[int]]] = {}
        self.stats: dict[Node, _Stats] = {}
        self.vector = vector
        # Per source, the sentence indices i whose next sentence is in the same paragraph.
        self.joinable = {
            sid: {u.sentences[k].index for k in np.flatnonzero(u.joinable)} for sid, u in story.units.items()
        }
        self.vocabulary = story.vocabulary
        self.dim = story.dim
        self.config = config

    def find(self, x: Node) -> Node:
        if x not in self.parent:
            self.parent[x] = x
            self.members[x] = {x[0]: {x[1]}}
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def _passage(self, src: str, idx: set[int]) -> PassageVector:
        first, last = min(idx), max(idx)
        hit = self.vector.cache.get((src, first, last))  # ~400k look-ups on 60 retellings
        return hit if hit is not None else self.vector(src, first, last)

    def _stats_of(self, root: Node) -> _Stats:
        st = self.stats.get(root)
        if st is None:
            st = _Stats(np.zeros(self.dim, np.float64), np.zeros(self.vocabulary, np.float64), 0.0, 0)
            for src, idx in self.members[root].items():
                st.add(self._passage(src, idx))
            self.stats[root] = st
        return st

    def _changes(self, roots: Sequence[Node], base_root: Node) -> dict[str, set[int]] | None:
        """The sources the other roots bring, with their sentences after the union; None when a source
        would hold a non-contiguous or too long run."""
        base = self.members[base_root]
        changed: dict[str, set[int]] = {}
        for r in roots:
            if r == base_root:
                continue
            for src, idx in self.members[r].items():
                changed.setdefault(src, set(base.get(src, ()))).update(idx)
        for src, idx in changed.items():
            if max(idx) - min(idx) + 1 != len(idx) or len(idx) > self.config.max_group_sentences:
                return None
            # A passage never crosses a paragraph break: two adjacent paragraphs that two groups hold
            # are two claims, whatever link would unite the groups.
            if len(idx) > 1 and not all(i in self.joinable[src] for i in range(min(idx), max(idx))):
                return None
        return changed

    def _merged_stats(self, base_root: Node, changed: dict[str, set[int]]) -> tuple[bool, _Stats | None]:
        """Whether the newcomers are cohesive with the base group, and the group's sums as they would be
        after the union (passages a union lengthens are re-scored); no sums when the base group has one
        source (nothing to be cohesive with yet)."""
        base = self.members[base_root]
        if len(base) < 2:
            return True, None
        merged = self._stats_of(base_root).copy()
        new = []
        for src, idx in changed.items():
            if src in base:
                merged.add(self._passage(src, base[src]), -1.0)
                merged.add(self._passage(src, idx))
            else:
                new.append(self._passage(src, idx))
        if new and not self._cohesive(merged, new):
            return False, None
        for v in new:
            merged.add(v)
        return True, merged

    def _lengthening_ok(self, roots: Sequence[Node]) -> bool:
        """A union that lengthens a passage (two of the groups hold adjacent sentences of one source) may
        glue two claims told in adjacent sentences (a death toll, then the damage) into one group, which
        the newcomers' test does not see: the lengthened passages agree with both sides by
        construction. So the passages of sources that only one of the groups holds must agree across
        the groups as members of one group do (same floor as ``_cohesive``, from the less cohesive
        group). A claim split differently across sources (two sentences in each) has no such passage
        and passes."""
        count: dict[str, int] = {}
        for r in roots:
            for src in self.members[r]:
                count[src] = count.get(src, 0) + 1
        if all(c == 1 for c in count.values()):
            return True
        alone = [
            [self._passage(src, idx) for src, idx in self.members[r].items() if count[src] == 1]
            for r in roots
        ]
        scores = [
            self._score(x, y) for i, xs in enumerate(alone) for ys in alone[i + 1 :] for x in xs for y in ys
        ]
        if not scores:
            return True
        inner = [self._inner(r) for r in roots if len(self.members[r]) >= 2]
        ref = min(inner) if inner else self.config.cohesion_cap
        floor = max(self.config.min_cohesion, min(ref, self.config.cohesion_cap) - self.config.cohesion_gap)
        return float(np.mean(scores)) >= floor

    def _not_a_bridge(self, xs: Sequence[Node], base_root: Node, changed: dict[str, set[int]]) -> bool:
        """Whether the newcomers agree with the base group's members other than their link partner.

        Average linkage counts the partner too, and a newcomer agrees with its partner by construction
        (that is the link). When the partner states two claims ("5,000 injured and dozens missing"),
        a newcomer matching its second claim ("60 missing") agrees with the partner far better than
        with the members that share the partner's first claim ("120 in critical condition"): the mean
        score against those others falls below ``bridge_ratio`` x the score against the partner. Then
        the union is refused; the newcomer keeps its own group, which the partner may join as a second
        membership (``members.py``). A claim retold in full by every member passes: the others then
        agree with the newcomer nearly as well as the partner does (on the development set, sound joins
        kept at least 0.72 of the partner's score, bridged ones 0.59-0.67)."""
        ratio = self.config.bridge_ratio
        base = self.members[base_root]
        if ratio <= 0 or len(base) < 2:
            return True
        touched = {src for src, _ in xs}
        new = [self._passage(src, idx) for src, idx in changed.items() if src not in base]
        partners = [self._passage(src, idx) for src, idx in base.items() if src in touched]
        others = [self._passage(src, idx) for src, idx in base.items() if src not in touched]
        if not new or not partners or not others:
            return True
        with_partner = float(np.mean([s for x in new for s in self._scores(x, partners)]))
        with_others = float(np.mean([s for x in new for s in self._scores(x, others)]))
        return with_others >= ratio * with_partner

    def _inner(self, root: Node) -> float:
        st = self._stats_of(root)
        return st.pair_total(self.config.lexical_weight) / (st.count * (st.count - 1) / 2.0)

    def try_union(self, xs: Sequence[Node]) -> bool:
        """Joins the groups of ``xs`` when every source keeps one contiguous run within a paragraph, a
        lengthened passage joins groups that agree, and newcomers are cohesive with the largest group;
        returns whether it did."""
        found = [self.find(x) for x in xs]
        if found.count(found[0]) == len(found):  # most links of a large story join one group twice
            return True
        roots = list(dict.fromkeys(found))
        base_root = max(roots, key=lambda r: len(self.members[r]))
        changed = self._changes(roots, base_root)
        if changed is None:
            return False
        if not self._lengthening_ok(roots):
            return False
        if not self._not_a_bridge(xs, base_root, changed):
            return False
        cohesive, merged = self._merged_stats(base_root, changed)
        if not cohesive:
            return False
        for r in roots:
            if r != base_root:
                self.parent[r] = base_root
                del self.members[r]
                self.stats.pop(r, None)
        self.members[base_root].update(changed)
        if merged is None:
            self.stats.pop(base_root, None)
        else:
            self.stats[base_root] = merged
        return True

    def _score(self, x: PassageVector, y: PassageVector) -> float:
        """One pair's score: cosine plus the weighted lexical cosine, as in pairwise scoring."""
        # The shared columns by binary search over the sorted indices, ascending as ``np.intersect1d``
        # gives them (so the same sum, bit for bit) at a fifth of its cost: it sorts both arrays
        # on every call, and this runs ~400k times on 60 retellings.
        xi = x.sorted_indices
        if len(xi) > len(y.sorted_indices):
            x, y, xi = y, x, y.sorted_indices
        at = y.probe.searchsorted(xi)
        hit = y.probe[at] == xi
        lexical = float(x.sorted_values[hit] @ y.sorted_values[at[hit]])
        return float(x.dense @ y.dense) + self.config.lexical_weight * lexical

    def _scores(self, x: PassageVector, ys: Sequence[PassageVector]) -> list[float]:
        """``[self._score(x, y) for y in ys]``, bit for bit, with one search for all of ``ys``: the
        shared columns of every pair found at once, then one dot product per pair over the same values
        in the same (ascending) order."""
        if len(ys) < 4:
            return [self._score(x, y) for y in ys]
        cols = np.concatenate([y.sorted_indices for y in ys])
        at = x.probe.searchsorted(cols)
        shared = np.flatnonzero(x.probe[at] == cols)
        x_values = x.sorted_values[at[shared]]
        y_values = np.concatenate([y.sorted_values for y in ys])[shared]
        ends = np.cumsum([len(y.sorted_indices) for y in ys])
        bounds = shared.searchsorted(ends).tolist()
        w = self.config.lexical_weight
        out = []
        start = 0
        for y, end in zip(ys, bounds, strict=True):
            lexical = float(x_values[start:end] @ y_values[start:end])
            out.append(float(x.dense @ y.dense) + w * lexical)
            start = end
        return out

    def _cohesive(self, base: _Stats, new: Sequence[PassageVector]) -> bool:
        """Average linkage: sources joining an existing group (of two or more sources) must agree with
        its members about as well as the members agree with each other. Without it a chain of single
        links pulls a merely topical passage of another report into a group of close retellings.
        A pair's score is cosine plus the weighted lexical cosine, as in pairwise scoring."""
        w = self.config.lexical_weight
        inner = base.pair_total(w) / (base.count * (base.count - 1) / 2.0)
        dense = np.sum([v.dense for v in new], axis=0)
        cross = float(dense @ base.dense) + w * sum(
            float(base.lexical[v.lex_indices] @ v.lex_values) for v in new
        )
        mean = cross / (len(new) * base.count)
        floor = max(self.config.min_cohesion, min(inner, self.config.cohesion_cap) - self.config.cohesion_gap)
        return mean >= floor

    def components(self) -> list[dict[str, set[int]]]:
        """Every group's members (source id -> sentence indices), in the order their nodes were first seen."""
        by_root: dict[Node, dict[str, set[int]]] = {}
        for node in list(self.parent):
            root = self.find(node)
            by_root[root] = self.members[root]
        return list(by_root.values())


class LinkKeys:
    """One integer per direct link: source positions and first/last sentence indices of both passages."""

    def __init__(self, story: Story) -> None:
        self.span = story.span
        self.n_sources = max(len(story.order), 1)

    def __call__(self, sa: int, a: tuple[int, int], sb: int, b: tuple[int, int]) -> int:
        span = self.span
        return ((((sa * self.n_sources + sb) * span + a[0]) * span + a[1]) * span + b[0]) * span + b[1]


@dataclass(frozen=True, slots=True)
class Grouping:
    """The groups found and the margin of each direct link that built them (by ``LinkKeys``)."""

    groups: list[dict[str, set[int]]]
    direct_margin: dict[int, float]


def _sentence_indices(story: Story) -> list[list[int]]:
    """Per source position, its body sentences' indices (a link's rows -> sentence indices, ~400k
    look-ups on 60 retellings)."""
    return [[s.index for s in story.units[sid].sentences] for sid in story.order]


def group_links(table: LinkTable, story: Story, config: AlignConfig) -> Grouping:
    """Unites the links into groups, strongest first; ties by the first source's position, then its
    sentence (a stable sort). A link whose union is refused is not direct."""
    groups = Groups(story, PassageVectors(story, config.lexical_weight), config)
    key = LinkKeys(story)
    direct_margin: dict[int, float] = {}
    refused: list[tuple[Node, Node, float]] = []  # (sentence, partner, margin) of refused 1-1 links
    floats, ints = table.floats, table.ints
    index = _sentence_indices(story)
    ranked = np.lexsort((ints[:, 2], ints[:, 0], -floats[:, 0]))
    for start in range(0, len(ranked), 8192):
        part = ranked[start : start + 8192]
        for (ai, bi, a_first, a_last, b_first, b_last), margin in zip(
            ints[part].tolist(), floats[part, 1].tolist(), strict=True
        ):
            sa, sb = story.order[ai], story.order[bi]
            ia, ib = index[ai], index[bi]
            nodes = [(sa, i) for i in ia[a_first : a_last + 1]]
            nodes += [(sb, j) for j in ib[b_first : b_last + 1]]
            if groups.try_union(nodes):
                a = (ia[a_first], ia[a_last])
                b = (ib[b_first], ib[b_last])
                direct_margin[key(ai, a, bi, b)] = margin
            elif a_first == a_last and b_first == b_last:
                # Kept only when the refusal may be a seat taken (see ``_reseat``).
                for y, x in ((nodes[0], nodes[1]), (nodes[1], nodes[0])):
                    if len(groups.members[groups.find(y)]) == 1 and y[0] in groups.members[groups.find(x)]:
                        refused.append((y, x, margin))
    found = groups.components()
    _reseat(found, refused, groups, table, story, direct_margin)
    return Grouping(found, direct_margin)


def _links_of(
    table: LinkTable, story: Story, lone: Sequence[Node], where: dict[Node, int]
) -> dict[Node, set[Node]]:
    """Partners of every link (accepted or not) of the given lone sentences and of the group members
    of their sources: the only links ``_reseat`` counts (one pass over the table, not all links kept)."""
    sources = {n[0] for n in lone}
    wanted = set(lone) | {n for n in where if n[0] in sources}
    out: dict[Node, set[Node]] = {}
    index = _sentence_indices(story)
    for ai, bi, a_first, a_last, b_first, b_last in table.ints.tolist():
        sa, sb = story.order[ai], story.order[bi]
        if sa not in sources and sb not in sources:
            continue
        nodes = [(sa, i) for i in index[ai][a_first : a_last + 1]]
        nodes += [(sb, j) for j in index[bi][b_first : b_last + 1]]
        for x in nodes:
            if x in wanted:
                out.setdefault(x, set()).update(y for y in nodes if y[0] != x[0])
    return out


def _seats(found: list[dict[str, set[int]]]) -> dict[Node, int]:
    """The group of every sentence seated in a group of two or more sources."""
    where: dict[Node, int] = {}
    for k, members in enumerate(found):
        if len(members) >= 2:
            for sid, idx in members.items():
                for i in idx:
                    where[(sid, i)] = k
    return where


def _seats_better(
    y: Node, members: dict[str, set[int]], linked: dict[Node, set[Node]], groups: Groups
) -> bool:
    """Whether the lone sentence ``y`` should take its source's seat in the group ``members``: the pairwise
    linker linked it to more of the group's other sources than the seated passage (a vote), and its mean
    score against them is higher too."""
    src = y[0]
    current = members[src]

    def votes(nodes: list[Node]) -> int:
        return len({p[0] for n in nodes for p in linked.get(n, ()) if p[1] in members.get(p[0], ())})

    if votes([y]) <= votes([(src, i) for i in current]):
        return False
    others = [groups._passage(s, idx) for s, idx in members.items() if s != src]
    now = float(np.mean([groups._score(groups._passage(src, current), o) for o in others]))
    new = float(np.mean([groups._score(groups._passage(src, {y[1]}), o) for o in others]))
    return new > now


def _reseat(  # noqa: PLR0917 - the grouping's state, named
    found: list[dict[str, set[int]]],
    refused: Sequence[tuple[Node, Node, float]],
    groups: Groups,
    table: LinkTable,
    story: Story,
    direct_margin: dict[int, float],
) -> None:
    """Gives each group the passage of a source that agrees with it best.

    Groups grow strongest link first and hold one passage per source, so the first of a source's
    sentences to link into a group takes the place, even when a later one agrees with the group as a
    whole far better (on the development set an injury count sat in a death-toll group of four outlets,
    and the source's own toll sentence, linked directly to all four, was refused). For each one-to-one
    link refused because its sentence ``y``'s source already held a passage in the partner's group, ``y``
    (in no group of two or more sources) replaces that passage when the pairwise linker linked it to
    more of the group's other sources than the passage (each source pair decided on its own: a vote)
    and its mean score against them is higher too. The replaced passage becomes unique. Mutates
    ``found`` and records the seated sentence's refused links into the group as direct."""
    where = _seats(found)
    order = {sid: n for n, sid in enumerate(story.order)}
    key = LinkKeys(story)
    candidates = [
        (y, x, m) for y, x, m in refused if x in where and y not in where and y[0] in found[where[x]]
    ]
    if not candidates:
        return
    linked = _links_of(table, story, [y for y, _, _ in candidates], where)
    for y, x, margin in candidates:
        g = where.get(x)
        if g is not None and where.get(y) == g:  # y was seated through another link: this one is direct too
            _record(direct_margin, key, order, (y[0], {y[1]}), (x[0], found[g][x[0]]), margin)
        if g is None or y in where or y[0] not in found[g]:
            continue
        src, members = y[0], found[g]
        current = members[src]
        if not _seats_better(y, members, linked, groups):
            continue
        for i in current:
            where.pop((src, i), None)
            found.append({src: {i}})
        members[src] = {y[1]}
        where[y] = g
        _record(direct_margin, key, order, (y[0], {y[1]}), (x[0], members[x[0]]), margin)


def _record(  # noqa: PLR0917 - a link's parts, named
    direct_margin: dict[int, float],
    key: LinkKeys,
    order: dict[str, int],
    one: tuple[str, set[int]],
    other: tuple[str, set[int]],
    margin: float,
) -> None:
    """Records the link between two passages (source, sentence indices) as direct, with its margin."""
    (sa, ia), (sb, ib) = sorted((one, other), key=lambda p: order[p[0]])
    direct_margin[key(order[sa], (min(ia), max(ia)), order[sb], (min(ib), max(ib)))] = margin
