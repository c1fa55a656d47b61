"""Character classes as code-point lookup tables (and RE2 classes), built once per process.

The scalar reference (:mod:`chukan_layout.spec.charsets`) defines every class. Here a class
becomes a boolean lookup table over all 0x110000 code points, filled from the oracle's
``allowed_array`` (its ``allowed_codepoints`` as a numpy array, ~0.1 s per codec class; planes
it does not scan are filled from probes, uniform for every class), so the vectorized check agrees with the oracle code point by code point. The RE2
form (run-length ranges of the table) is used for ``mj`` rows holding IVS selectors, the
one context-dependent rule: a selector is valid only right after an ideograph, which RE2
(no lookbehind) expresses as ``(?:\\A|[^<ideographs>])[<selectors>]``.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ..spec import charsets as oracle
from ..spec.model import Charset
from ..spec.sequences import CONTROL_RANGES, IDEOGRAPH_RANGES, SELECTOR_RANGES

N_CODEPOINTS = 0x110000
SURROGATES = (0xD800, 0xDFFF)  # never in Arrow (valid UTF-8) strings: treated as allowed to merge ranges

# The oracle scans planes 0, 2 and 3; the others are filled from probes (uniform for every class).
_UNSCANNED_PLANES = (0x1, *range(0x4, 0x11))


def _plane_value(cs: Charset, plane: int) -> bool | None:
    """The oracle's verdict for a whole unscanned plane, if uniform over probes (else None)."""
    base = plane << 16
    probes = [base + k for k in range(0, 0x10000, 0x3FF)] + [base + 0xFFFF]
    got = {not oracle.invalid_chars(chr(cp), cs) for cp in probes}
    return got.pop() if len(got) == 1 else None


@cache
def allowed_table(charset: Charset | str, allow_controls: bool = False) -> np.ndarray:
    """bool[0x110000]: True where the code point is in ``charset`` (its context-free part).

    For ``mj`` the variation selectors are False here (valid only in context:
    ``checks_charset.bad_rows``). Control characters are False unless ``allow_controls``.
    """
    cs = Charset(charset)
    if allow_controls:
        lut = allowed_table(cs).copy()
        for lo, hi in CONTROL_RANGES:
            lut[lo : hi + 1] = True
        lut.setflags(write=False)
        return lut
    from ..spec import compiled_cache  # built in ~0.1–0.3 s per class: cached on disk (start-up)

    key = compiled_cache.content_key("charset_table", [cs.value])
    hit = compiled_cache.load("charset_table", key)
    if isinstance(hit, np.ndarray) and hit.dtype == bool and hit.size == N_CODEPOINTS:
        hit.setflags(write=False)
        return hit
    lut = _build_table(cs)
    compiled_cache.store("charset_table", key, lut)
    return lut


def _build_table(cs: Charset) -> np.ndarray:
    lut = np.zeros(N_CODEPOINTS, dtype=bool)
    allowed = oracle.allowed_array(cs)
    if allowed is None:  # any: everything but the controls
        lut[:] = True
        for lo, hi in CONTROL_RANGES:
            lut[lo : hi + 1] = False
        lut.setflags(write=False)
        return lut
    lut[allowed] = True
    for plane in _UNSCANNED_PLANES:
        v = _plane_value(cs, plane)
        base = plane << 16
        if v is None:  # not uniform: evaluate the plane fully (not the case for the shipped classes)
            lut[base : base + 0x10000] = [
                not oracle.invalid_chars(chr(cp), cs) for cp in range(base, base + 0x10000)
            ]
        else:
            lut[base : base + 0x10000] = v
    if cs is Charset.MJ:
        for lo, hi in SELECTOR_RANGES:
            lut[lo : hi + 1] = False
    lut[SURROGATES[0] : SURROGATES[1] + 1] = True
    lut.setflags(write=False)
    _release_oracle_caches()
    return lut


def _release_oracle_caches() -> None:
    """The oracle caches every code point it classified (~36 MB); the table now holds that knowledge."""
    oracle.allowed_codepoints.cache_clear()
    oracle.allowed_array.cache_clear()
    encodable = getattr(oracle, "_encodable", None)
    if encodable is not None and hasattr(encodable, "cache_clear"):
        encodable.cache_clear()


def ranges(lut: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (lo, hi) runs of True in a lookup table."""
    edges = np.diff(np.concatenate([[0], lut.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def re2_class(runs: list[tuple[int, int]]) -> str:
    """The inside of an RE2 character class for ``runs`` (``\\x{…}`` escapes only)."""
    return "".join(f"\\x{{{lo:X}}}" if lo == hi else f"\\x{{{lo:X}}}-\\x{{{hi:X}}}" for lo, hi in runs)


def _ideographs() -> str:
    return re2_class(list(IDEOGRAPH_RANGES))


@cache
def bad_char_regex(charset: Charset | str) -> str | None:
    """Unanchored RE2 regex that matches iff a value has a character outside ``charset`` (None: any)."""
    cs = Charset(charset)
    if cs is Charset.ANY:
        return None
    lut = allowed_table(cs)
    if cs is not Charset.MJ:
        return f"[^{re2_class(ranges(lut))}]"
    sel = re2_class(list(SELECTOR_RANGES))
    return f"[^{re2_class(ranges(lut))}{sel}]|(?:\\A|[^{_ideographs()}])[{sel}]"
