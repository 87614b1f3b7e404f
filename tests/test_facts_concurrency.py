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
