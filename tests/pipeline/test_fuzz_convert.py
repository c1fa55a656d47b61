"""Mutated vendor A / B / C exports through ``convert``: documented errors only, balanced, bounded (issue 14).

A bounded run (a few dozen convert runs, well under 60 s); ``make fuzz`` runs ≥ 100,000 mutated
files with the same checks (``tests/pipeline/fuzzing.py``).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .fuzzing import Tally, make_corpus, mutate, mutations, run_one


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    return make_corpus(tmp_path_factory.mktemp("fuzz-corpus"), residents=25)


def test_mutate_is_deterministic_and_changes_bytes() -> None:
    data = "0001髙﨑\r\n0002山田\r\n".encode("cp932")
    ops = [("flip", 0.5, 3), ("insert", 0.1, 1), ("cut_middle", 0.9, 2)]
    assert mutate(data, ops) == mutate(data, ops) != data
    assert mutate(data, [("cut_tail", 0.0, 0)]) == b""


def test_fuzz_convert_documented_errors_balanced_bounded(
    corpus: dict[str, list[Path]], tmp_path: Path
) -> None:
    tally = Tally()
    started = time.monotonic()

    @settings(max_examples=20, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.sampled_from(sorted(corpus)), mutations)
    def fuzz(adapter: str, ops: list[tuple[str, float, int]]) -> None:
        run_one(adapter, corpus[adapter], ops, tmp_path / "run", tally)

    fuzz()
    assert tally.crashes == [], tally.crashes[:3]
    assert tally.unbalanced == [], tally.unbalanced[:3]
    assert tally.runs >= 15 and tally.inputs >= 70
    assert tally.slowest < 20 and time.monotonic() - started < 60
