"""The ONNX backends give the same comparison of the demo set as the torch reference.

Claim groups are compared as sets of passages ``(source_id, first, last)``; fact relations are keyed by the
claim's passages (not its id, whose numbering could shift) plus the two sources, the kind, the relation and
the two facts' normalised values.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from core.embed import CachingEmbedder, Embedder, SentenceTransformerEmbedder
from core.model import Article, Comparison
from core.pipeline import compare

ClaimKey = frozenset[tuple[str, int, int]]

pytestmark = pytest.mark.slow


def _claim_groups(result: Comparison) -> set[ClaimKey]:
    return {frozenset((p.source_id, p.first, p.last) for p in claim.passages) for claim in result.claims}


def _fact_relations(result: Comparison) -> set[tuple[object, ...]]:
    keys = {
        claim.claim_id: frozenset((p.source_id, p.first, p.last) for p in claim.passages)
        for claim in result.claims
    }
    return {
        (
            keys[pair.claim_id],
            pair.source_a,
            pair.source_b,
            str(pair.kind),
            str(pair.relation),
            (pair.a.norm or pair.a.value) if pair.a else None,
            (pair.b.norm or pair.b.value) if pair.b else None,
        )
        for pair in result.facts
    }


def _run(articles: Sequence[Article], embedder: Embedder) -> Comparison:
    return compare(articles, CachingEmbedder(embedder), with_facts=True)


@pytest.fixture(scope="module")
def torch_result(demo: list[Article]) -> Comparison:
    return _run(demo, SentenceTransformerEmbedder())


@pytest.fixture(scope="module", params=[True, False], ids=["onnx-int8", "onnx-fp32"])
def onnx_result(request: pytest.FixtureRequest, demo: list[Article]) -> Comparison:
    from core.embed.onnx import OnnxEmbedder

    return _run(demo, OnnxEmbedder(quantize=request.param))


def test_same_claim_groups(torch_result: Comparison, onnx_result: Comparison) -> None:
    reference = _claim_groups(torch_result)
    assert reference, "the demo set should produce claim groups"
    got = _claim_groups(onnx_result)
    assert got == reference, {"only torch": reference - got, "only onnx": got - reference}


def test_same_unique_passages(torch_result: Comparison, onnx_result: Comparison) -> None:
    def key(result: Comparison) -> set[tuple[str, int, int]]:
        return {(p.source_id, p.first, p.last) for p in result.unique}

    assert key(onnx_result) == key(torch_result)


def test_same_fact_relations(torch_result: Comparison, onnx_result: Comparison) -> None:
    reference = _fact_relations(torch_result)
    got = _fact_relations(onnx_result)
    assert got == reference, {"only torch": reference - got, "only onnx": got - reference}
