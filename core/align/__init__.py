"""Cross-source alignment: pairwise links between passages, then N-way claim groups.

Every sentence of a same-story article is topically similar to every other, so a plain cosine
threshold links everything. The aligner therefore scores each candidate pair by how much it stands
out from its neighbourhood (the ratio margin of LASER / Vecalign bitext mining), adds a lexical signal
(TF-IDF over the story, so shared names and numbers count and topic words do not), considers merges of
two adjacent sentences (one-to-two and two-to-one), and links greedily by score with each sentence used
once per source pair (competitive linking; no monotonic-order assumption, so reordered paragraphs align).
Links are then grouped into claim groups with a union-find that keeps at most one contiguous passage
per source in each group.

Modules, in the order ``align_sources`` uses them: ``units`` (each source's sentences and vectors),
``lexical`` (TF-IDF), ``candidates`` (scoring and linking each source pair), ``groups`` (union-find with
average-linkage cohesion), ``claims`` (claims, links, unique passages), ``aligner`` (the five calls).
"""

from core.align.aligner import AlignResult, align_sources
from core.align.candidates import PAIR_CHUNK_CELLS
from core.align.lexical import tfidf_matrix

__all__ = ["PAIR_CHUNK_CELLS", "AlignResult", "align_sources", "tfidf_matrix"]
