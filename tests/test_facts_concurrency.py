"""The one spaCy pipeline that every session shares is never entered by two threads at once."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from core.facts import names
from core.facts.names import find_names, get_nlp, prefetch_names


class _Recorder:
    """A stand-in pipeline that records how many threads are inside it at once."""

    def __init__(self) -> None:
        self.active = 0
        self.most = 0
        self.calls = 0
        self._count = threading.Lock()

    def _enter(self) -> None:
        with self._count:
            self.active += 1
            self.calls += 1
            self.most = max(self.most, self.active)

    def _leave(self) -> None:
        with self._count:
            self.active -= 1

    def __call__(self, text: str) -> SimpleNamespace:
        self._enter()
        time.sleep(0.002)  # long enough for another thread to come in if nothing stops it
        self._leave()
        return SimpleNamespace(ents=[])

    def pipe(self, texts: list[str], batch_size: int = 64):  # spaCy's signature
        for _ in texts:
            self._enter()
            time.sleep(0.002)
            self._leave()
            yield SimpleNamespace(ents=[])


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> _Recorder:
    rec = _Recorder()
    monkeypatch.setitem(names._state, "nlp", rec)
    monkeypatch.setitem(names._state, "tried", True)
    monkeypatch.setattr(names, "_NER_CACHE", type(names._NER_CACHE)())
    return rec


def _hammer(work) -> None:
    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_shared_pipeline_is_entered_by_one_thread_at_a_time(recorder: _Recorder) -> None:
    def work(k: int) -> None:
        for i in range(10):
            find_names(f"Session {k} text {i} about Alda Reyes.")
        prefetch_names(f"Session {k} batch {i} about Orlen Vasq." for i in range(10))

    _hammer(work)
    assert recorder.calls == 8 * 20  # every text went through the pipeline once
    assert recorder.most == 1


needs_spacy = pytest.mark.skipif(get_nlp() is None, reason="no spaCy English model installed")

_PEOPLE = ["Alda Reyes", "Tomas Varga", "Ines Okafor", "Piet Lindqvist", "Mara Oduya", "Jon Halvard"]
_PLACES = ["Eastmere", "Lowbridge", "Karvik", "Port Sallen"]


def _texts(k: int) -> list[str]:
    return [
        f"{_PEOPLE[(k + i) % 6]} told reporters in {_PLACES[i % 4]} on day {i} that "
        f"{_PEOPLE[(k + 2 * i) % 6]} of the Harbour Council had resigned."
        for i in range(6)
    ]


@needs_spacy
def test_concurrent_sessions_get_the_entities_of_a_lone_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(names, "_NER_CACHE", type(names._NER_CACHE)())
    alone = {t: find_names(t) for k in range(8) for t in _texts(k)}
    assert any(m.label == "PERSON" for found in alone.values() for m in found)
    monkeypatch.setattr(names, "_NER_CACHE", type(names._NER_CACHE)())
    together: dict[str, list[names.NameMention]] = {}
    lock = threading.Lock()

    def work(k: int) -> None:
        if k % 2:
            prefetch_names(_texts(k))
        for t in _texts(k):
            found = find_names(t)
            with lock:
                together[t] = found

    _hammer(work)
    assert together == alone


# ------------------------------------------------------------------ cost: NER once per compared passage


class _Counting(_Recorder):
    """A stand-in pipeline that counts texts per entry point."""

    def __init__(self) -> None:
        super().__init__()
        self.piped: list[str] = []
        self.single: list[str] = []

    def __call__(self, text: str) -> SimpleNamespace:
        self.single.append(text)
        return SimpleNamespace(ents=[])

    def pipe(self, texts: list[str], batch_size: int = 64):
        for t in texts:
            self.piped.append(t)
            yield SimpleNamespace(ents=[])


def test_ner_runs_once_per_compared_passage_however_small_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.facts import compare_facts, extract
    from core.model import Article, Claim, Passage

    rec = _Counting()
    monkeypatch.setitem(names._state, "nlp", rec)
    monkeypatch.setitem(names._state, "tried", True)
    monkeypatch.setattr(names, "_NER_CACHE", type(names._NER_CACHE)())
    monkeypatch.setattr(names, "_NER_CACHE_MAX", 3)  # far fewer than the passages compared
    monkeypatch.setattr(names, "_cache_size", [3])
    extract.analyse.cache_clear()

    def p(src: str, i: int) -> Passage:
        text = f"Report {i} from {src}: {i + 10} people were hurt in Karvik."
        return Passage(src, i, i, 0, len(text), text)

    claims = [Claim(i, (p("a", i), p("b", i), p("c", i))) for i in range(1, 13)]
    lone = Claim(99, (p("a", 99),))  # one source only: nothing to compare, no NER
    arts = [Article(s, "", "x") for s in "abc"]
    pairs = compare_facts(arts, [*claims, lone])
    assert pairs and {fp.claim_id for fp in pairs} == set(range(1, 13))
    compared = {q.text for c in claims for q in c.passages}
    assert sorted(rec.piped) == sorted(compared)  # each compared passage once, batched
    assert rec.single == []  # never again one by one, although the cache holds only 3
    extract.analyse.cache_clear()


def test_facts_and_ner_keep_torch_out_of_the_process() -> None:
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys\n"
        "import core.facts\n"
        "from core.facts.names import find_names, get_nlp\n"
        "nlp = get_nlp()\n"
        "found = find_names('Alda Reyes met Tomas Varga in Karvik on Monday.')\n"
        "print(nlp is not None, bool(found), 'torch' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    loaded, found, torch_loaded = out.stdout.split()
    if loaded == "False":
        pytest.skip("no spaCy English model installed")
    assert found == "True"
    assert torch_loaded == "False"


def test_torch_is_refused_only_to_the_thread_that_loads_spacy() -> None:
    finder = names._NO_TORCH
    assert finder.find_spec("torch", None) is None  # this thread: not blocked
    seen: list[str] = []

    def blocked_thread() -> None:
        finder.blocked.on = True
        try:
            finder.find_spec("torch.utils.dlpack", None)
        except ModuleNotFoundError as exc:
            seen.append(str(exc))
        finally:
            finder.blocked.on = False
        seen.append(repr(finder.find_spec("numpy", None)))

    t = threading.Thread(target=blocked_thread)
    t.start()
    t.join()
    assert seen[0].startswith("torch.utils.dlpack kept out") and seen[1] == "None"
    assert finder.find_spec("torch", None) is None  # still not blocked here


@needs_spacy
def test_dropping_the_tok2vec_pipe_keeps_the_entities() -> None:
    import importlib

    nlp = get_nlp()
    assert "tok2vec" not in nlp.pipe_names and "ner" in nlp.pipe_names
    module = importlib.import_module(nlp.meta["lang"] + "_" + nlp.meta["name"])
    full = module.load(exclude=names._DISABLED)  # with the tok2vec pipe
    assert "tok2vec" in full.pipe_names
    texts = [t for k in range(8) for t in _texts(k)]
    ents = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in nlp.pipe(texts)]
    assert ents == [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in full.pipe(texts)]
    assert any(ents)
