"""Item patterns have RE2 semantics everywhere: linear time, no backtracking (issue 14, point 6).

The vectorized validator matches patterns with Arrow's RE2. The per-record Pydantic model
used Python's ``re`` on the same pattern — ``(a+)+$`` took 14 s on 28 characters there. Now
both match through RE2 (:class:`Re2Pattern`), and a pattern RE2 cannot compile is refused when
the layout loads (:func:`re2_problem`), not when the first record is checked.
"""

from __future__ import annotations

from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc


def anchored(pattern: str) -> str:
    """Full-match form of a pattern for RE2 (``\\z``: no match before a trailing newline)."""
    return rf"\A(?:{pattern})\z"


def _empty() -> pa.Array:
    """``[""]`` from buffers: ``pa.array([...])`` imports pandas when installed (≈ 0.25 s of start-up)."""
    return pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer(bytes(8)), pa.py_buffer(b"")])


@lru_cache(maxsize=1024)
def re2_problem(pattern: str) -> str | None:
    """Why RE2 cannot compile ``pattern`` (None when it can).

    >>> re2_problem(r"[0-9]{7}") is None, re2_problem(r"(a)\\1") is not None
    (True, True)
    """
    try:
        pc.match_substring_regex(_empty(), anchored(pattern))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        return " ".join(str(e).split())
    return None


class Re2Pattern:
    """A compiled-once pattern with ``fullmatch(value) -> bool`` (RE2, linear time).

    >>> Re2Pattern(r"(a+)+$").fullmatch("a" * 40 + "!")
    False
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._options = pc.MatchSubstringOptions(anchored(pattern))

    def fullmatch(self, value: str) -> bool:
        return bool(
            pc.call_function("match_substring_regex", [pa.scalar(value, pa.string())], self._options).as_py()
        )
