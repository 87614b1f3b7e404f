"""Story clustering: a flat pile of articles grouped into stories before they are compared (``--cluster``).

Two articles are close when they are about the same thing **and** name the same particulars:

* **semantic**: cosine of article vectors from the packaged sentence model; an article's vector is the
  mean of the vectors of its title and first ``lead_sentences`` body sentences (news puts the event in
  the lead; the rest of an article drifts into background shared by every similar story);
* **lexical**: cosine of TF-IDF vectors (words and word pairs of the whole article, English stop words
  dropped, IDF over the pile, sublinear counts; terms found in one article only are dropped, since they
  cannot link two articles and only dilute the cosine). Names, places and numbers live here: two
  celebrity rehab stories or two earthquakes read alike to the sentence model, not to TF-IDF.

similarity = ``embedding_weight`` x semantic + (1 - ``embedding_weight``) x lexical, distance = 1 - it.
Articles are grouped by **agglomerative clustering with average linkage** (UPGMA) cut at ``threshold``:
two groups merge while the mean distance between their members stays below it. Average linkage, not
single, so a chain of pairwise look-alikes does not snowball into one story (as the aligner's cohesion
rule). No number of stories is given: the threshold decides.

**Dates guard**: two articles whose publication dates are both known and more than ``max_days`` apart
are never one story (their distance is set far above any threshold, and a group is cut where its dates
leave a gap of more than ``max_days``): a follow-up a year later, or the same kind of event next year,
is another story.

Measured by ``bench/eval_cluster.py``. The default threshold 0.70 is the centre of the range where a
held-out pile (the realnews development set + the demo set, 22 articles, 4 stories, dates removed) is
split exactly (0.60-0.775), and lies inside the range where ECB+ (982 articles, 86 sub-topics) scores a
B-cubed F1 >= 0.85 (0.675-0.75), on its precision side: a wrong merge makes a comparison report
"conflicts" between two different events, the costliest mistake for a fact-checker, while a wrong split
only leaves some sources out. ECB+ at 0.70: B-cubed P 0.915, R 0.875, F1 0.895; ARI 0.856.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.batch.inputs import BatchInputError, Story, make_story
from core.embed import CachingEmbedder, Embedder
from core.model import Article
from core.segment import split_sentences

FAR = 1e6  # distance of two articles the dates guard keeps apart


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """Settings of story clustering.

    Attributes:
        threshold: Average-linkage distance at which groups stop merging (0..2; lower = more, smaller
            stories).
        embedding_weight: Share of the sentence-model cosine in the similarity (the rest is TF-IDF).
        lead_sentences: Body sentences after the title that make an article's vector.
        max_days: Articles dated further apart than this are never one story.
        max_articles: Most articles clustered at once (the distance matrix is n x n: 10,000 -> 0.8 GB).
    """

    threshold: float = 0.70
    embedding_weight: float = 0.3
    lead_sentences: int = 3
    max_days: int = 30
    max_articles: int = 10_000


DEFAULT_CLUSTER = ClusterConfig()


def lead_texts(article: Article, n: int) -> list[str]:
    """The title (when known) and the first ``n`` body sentences (headings skipped)."""
    body = [s.text for s in split_sentences(article) if not s.is_heading][:n]
    head = [article.title] if article.title.strip() else []
    return (head + body) or [article.text[:2000]]


def article_vectors(articles: Sequence[Article], embedder: Embedder, *, lead: int) -> np.ndarray:
    """One L2-normalised vector per article: the mean of its lead sentences' vectors, in one encode."""
    texts = [lead_texts(a, lead) for a in articles]
    flat = [t for ts in texts for t in ts]
    if isinstance(embedder, CachingEmbedder):
        matrix = embedder.encode(flat)
    else:
        matrix = CachingEmbedder(embedder).encode(flat)
    out = np.zeros((len(articles), matrix.shape[1]), dtype=np.float64)
    row = 0
    for i, ts in enumerate(texts):
        out[i] = matrix[row : row + len(ts)].mean(axis=0)
        row += len(ts)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(out / norms)


def lexical_similarity(articles: Sequence[Article]) -> np.ndarray:
    """TF-IDF cosine of every pair of articles (words and word pairs, see the module docstring)."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415 - heavy, --cluster only

    docs = [f"{a.title}\n{a.text}" for a in articles]
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, sublinear_tf=True, stop_words="english", dtype=np.float64
    )
    try:
        # IDF and the one-article rule count distinct texts: a wire story syndicated word for word by five
        # outlets would otherwise keep its own wording (df = 5) and look less like the other retellings.
        vectorizer.fit(list(dict.fromkeys(docs)))
        matrix = vectorizer.transform(docs)
    except ValueError:  # no term shared by two articles: nothing links them lexically
        return np.eye(len(articles))
    sim = (matrix @ matrix.T).toarray()
    return np.asarray(sim, dtype=np.float64)


def date_conflicts(articles: Sequence[Article], max_days: int) -> np.ndarray:
    """True where both articles are dated and more than ``max_days`` apart."""
    days = np.array([a.published.toordinal() if a.published else -1 for a in articles], dtype=np.int64)
    known = days >= 0
    gap = np.abs(days[:, None] - days[None, :])
    return np.asarray(known[:, None] & known[None, :] & (gap > max_days))


def distance_matrix(articles: Sequence[Article], embedder: Embedder, config: ClusterConfig) -> np.ndarray:
    """Distances 1 - similarity (see the module docstring), the dates guard applied."""
    vectors = article_vectors(articles, embedder, lead=config.lead_sentences)
    semantic = vectors @ vectors.T
    similarity = config.embedding_weight * semantic + (1 - config.embedding_weight) * lexical_similarity(
        articles
    )
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    distance[date_conflicts(articles, config.max_days)] = FAR
    np.fill_diagonal(distance, 0.0)
    return np.asarray((distance + distance.T) / 2)  # exactly symmetric for the linkage


def cut(distance: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage groups of a distance matrix cut at ``threshold``: lists of indices in input order,
    the groups ordered by their first member."""
    n = distance.shape[0]
    if n < 2:
        return [list(range(n))]
    from sklearn.cluster import AgglomerativeClustering  # noqa: PLC0415 - heavy, --cluster only

    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    ).fit_predict(distance)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def split_by_dates(group: list[int], articles: Sequence[Article], max_days: int) -> list[list[int]]:
    """Cuts a group where its sorted publication dates leave a gap over ``max_days``; undated articles
    stay with the largest part."""
    dated = sorted((i for i in group if articles[i].published), key=lambda i: _date(articles[i]))
    if len(dated) < 2:
        return [group]
    parts: list[list[int]] = [[dated[0]]]
    for prev, cur in itertools.pairwise(dated):
        if (_date(articles[cur]) - _date(articles[prev])).days > max_days:
            parts.append([])
        parts[-1].append(cur)
    if len(parts) == 1:
        return [group]
    undated = [i for i in group if not articles[i].published]
    max(parts, key=len).extend(undated)
    return sorted((sorted(p) for p in parts), key=lambda p: p[0])


def _date(article: Article) -> dt.date:
    return article.published or dt.date.min


def cluster_articles(
    articles: Sequence[Article], embedder: Embedder, config: ClusterConfig = DEFAULT_CLUSTER
) -> list[list[int]]:
    """Groups articles into stories.

    Args:
        articles: The pile, any order.
        embedder: The sentence model (the batch's backend).
        config: Threshold, weights and guards.

    Returns:
        Groups of article indices (each in input order), ordered by their first article.

    Raises:
        BatchInputError: More than ``config.max_articles`` articles.
    """
    if len(articles) > config.max_articles:
        raise BatchInputError(
            f"{len(articles):,} articles to cluster; at most {config.max_articles:,} at once "
            "(split the pile, e.g. by week, or give story folders)"
        )
    if len(articles) < 2:
        return [list(range(len(articles)))]
    groups = cut(distance_matrix(articles, embedder, config), config.threshold)
    out = [part for g in groups for part in split_by_dates(g, articles, config.max_days)]
    return sorted(out, key=lambda g: g[0])


def stories_from_groups(articles: Sequence[Article], groups: Sequence[Sequence[int]]) -> list[Story]:
    """Stories named ``story-0001``... in group order (their folder names sort the same way)."""
    width = max(4, len(str(len(groups))))
    return [
        make_story(f"story-{n:0{width}d}", [articles[i] for i in group], [])
        for n, group in enumerate(groups, start=1)
    ]
