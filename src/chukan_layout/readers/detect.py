"""Encoding detection by strict decoding, with evidence (docs/design.md §4.5).

Order of authority: the user's explicit encoding, the adapter's declaration, then this.
Detection = a BOM, else strict decoding of the candidates ``utf-8``, ``cp932``, ``euc_jp`` over
the data (the whole sample, not a prefix guess); chardet is only a *hint* reported next to
the verdict. EBCDIC has no invalid bytes to trip on, so it is recognised by its byte profile
(0x40 blanks, F0–F9 digits, SO/SI pairs) and then checked with the IBM930 tables.

Never trial-decoded: ``shift_jis_2004`` / ``euc_jis_2004`` — they silently turn 外字 bytes
into real kanji (gaiji-and-encodings.md §5).

Evidence: bytes checked, every candidate with the offset where it failed, and for cp932 the
counts of user-area 外字 (PUA, lead F0–F9), NEC special characters (row 13, lead 87),
NEC-selected IBM extensions (lead ED/EE) and IBM extensions (lead FA–FC).
"""

from __future__ import annotations

import codecs
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

SAMPLE_BYTES = 16 << 20
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@dataclass
class Candidate:
    encoding: str
    ok: bool
    error_offset: int | None = None
    reason: str | None = None


@dataclass
class EncodingVerdict:
    """The detected encoding and why."""

    encoding: str | None
    bom: str | None
    bytes_checked: int
    complete: bool  # the whole input was checked (not a prefix)
    candidates: list[Candidate] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    chardet_hint: dict[str, Any] | None = None
    note: str = ""
    # when several candidates stay plausible: the candidates in order of preference and a preview
    # of the first characters in each ("ambiguous: cp932 or euc_jp"); ``encoding`` is then None
    ambiguous: list[str] = field(default_factory=list)
    previews: dict[str, str] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _strict(data: bytes, enc: str, final: bool) -> Candidate:
    dec = codecs.getincrementaldecoder(enc)("strict")
    try:
        text = dec.decode(data, final=final)
    except UnicodeDecodeError as e:
        return Candidate(enc, False, e.start, e.reason)
    if "\x00" in text:
        return Candidate(enc, False, text.index("\x00"), "NUL character")
    return Candidate(enc, True)


def cp932_counts(data: bytes) -> dict[str, int]:
    """外字 / vendor-extension counts of cp932 bytes.

    Undecodable bytes become one lone surrogate each (``surrogateescape``), so every later
    character keeps its byte position (``ignore`` would shift them and count trail bytes as
    lead bytes)."""
    text = data.decode("cp932", "surrogateescape")
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), "<u4")
    single = (
        (cps < 0x80)
        | ((cps >= 0xFF61) & (cps <= 0xFF9F))
        | (cps == 0x80)
        | ((cps >= 0xF8F0) & (cps <= 0xF8F3))
        | ((cps >= 0xDC80) & (cps <= 0xDCFF))
    )
    width = np.where(single, 1, 2)
    pos = np.concatenate([[0], np.cumsum(width)[:-1]]).astype(np.int64)
    raw = np.frombuffer(data, np.uint8)
    double = ~single & (pos < len(raw))
    lead = raw[pos[double]]
    return {
        "gaiji_user_area": int(((lead >= 0xF0) & (lead <= 0xF9)).sum()),
        "pua_chars": int(((cps >= 0xE000) & (cps <= 0xF8FF)).sum()),
        "nec_special": int((lead == 0x87).sum()),
        "nec_selected_ibm_ext": int(((lead == 0xED) | (lead == 0xEE)).sum()),
        "ibm_ext": int(((lead >= 0xFA) & (lead <= 0xFC)).sum()),
        "halfwidth_kana": int(((cps >= 0xFF61) & (cps <= 0xFF9F)).sum()),
        "double_byte_chars": int(double.sum()),
        "undecodable_bytes": int(((cps >= 0xDC80) & (cps <= 0xDCFF)).sum()),
    }


def ebcdic_score(data: bytes) -> float:
    """How EBCDIC-like the bytes look (0–1).

    EBCDIC text is full of 0x40 blanks and has almost no 0x20 / CR / LF; cp932 text has 0x40 only
    as a trail byte (``8140``) next to plenty of 0x20. Balanced SO/SI pairs add weight."""
    if not data:
        return 0.0
    sample = data[: 1 << 20]
    n40, n20 = sample.count(b"\x40"), sample.count(b"\x20")
    nl = sample.count(b"\n") + sample.count(b"\r")
    if n40 < 0.02 * len(sample) or n40 < 3 * (n20 + nl):
        return 0.0
    so, si = sample.count(b"\x0e"), sample.count(b"\x0f")
    return 0.8 + (0.2 if so and so == si else 0.0)


def _hint(data: bytes) -> dict[str, Any] | None:
    try:
        import chardet
    except ImportError:  # pragma: no cover - chardet is a dependency
        return None
    r = chardet.detect(data[: 1 << 16])
    return {"encoding": r.get("encoding"), "confidence": round(float(r.get("confidence") or 0), 3)}


def detect_encoding(data: bytes, complete: bool = True) -> EncodingVerdict:
    """Detect the encoding of ``data`` (``complete=False`` when it is only a prefix of the file)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            cand = _strict(data, enc, complete)
            return EncodingVerdict(
                enc if cand.ok else None,
                bom.hex(" "),
                len(data),
                complete,
                [cand],
                chardet_hint=None,
                note=f"BOM {bom.hex(' ')}",
            )
    verdict = EncodingVerdict(None, None, len(data), complete, chardet_hint=_hint(data))
    if ebcdic_score(data) > 0.6:
        from .codecs import get_codec
        from .definition import FieldType

        codec = get_codec("ibm930")
        sample = data[: 1 << 20]
        n_so, n_si = sample.count(b"\x0e"), sample.count(b"\x0f")
        _s, bad, _w = codec.decode_columns(
            [(np.frombuffer(sample, np.uint8).reshape(1, -1), FieldType.MIXED)]
        )[0]
        decodes = not bad[0]
        verdict.candidates.append(
            Candidate("ibm930", decodes, None if decodes else 0, None if decodes else "unmapped bytes")
        )
        verdict.counts = {"shift_out": n_so, "shift_in": n_si}
        verdict.encoding = ("ibm930" if n_so else "cp037") if decodes or n_so == n_si else None
        verdict.note = (
            "EBCDIC byte profile (0x40 blanks, F0-F9 digits); ibm939 shares the DBCS half and "
            "differs in SBCS lowercase/katakana: confirm with --encoding"
        )
        return verdict
    for enc in ("utf-8", "cp932", "euc_jp"):
        verdict.candidates.append(_strict(data, enc, complete))
    ok = [c.encoding for c in verdict.candidates if c.ok]
    if not ok and len(data) >= 4 and len(data) % 2 == 0:
        # UTF-16 without a BOM (Excel "Unicode text" saved by some tools): NUL in every other
        # byte of ASCII text; the NUL check of the other candidates failed on exactly those
        for enc, half in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
            if half.count(0) >= 0.3 * len(half):
                cand = _strict(data, enc, complete)
                verdict.candidates.append(cand)
                if cand.ok:
                    verdict.encoding = enc
                    verdict.note = f"no BOM; {enc} decodes strictly and its ASCII has NUL high bytes"
                    return verdict
    if not ok:
        # binary (packed / binary) fields in a fixed-width file break every strict decode:
        # report the candidate with the fewest undecodable bytes, flagged as a partial verdict
        errors = {enc: data.decode(enc, "replace").count("\ufffd") for enc in ("cp932", "euc_jp", "utf-8")}
        best = min(errors, key=lambda e: (errors[e], e != "cp932"))
        verdict.counts = {f"undecodable_{k}": v for k, v in errors.items()}
        if errors[best] <= 0.01 * len(data):
            verdict.encoding = best
            verdict.counts.update(cp932_counts(data) if best == "cp932" else {})
            verdict.note = (
                f"no candidate decodes strictly; {best} fails on {errors[best]} bytes only "
                "(binary/packed fields?)"
            )
        else:
            verdict.note = "no candidate decodes strictly"
        return verdict
    if "utf-8" in ok:
        verdict.encoding = "utf-8"
        if data.isascii():
            verdict.note = "ASCII only: every candidate decodes it"
    elif ok == ["euc_jp"]:
        verdict.encoding = "euc_jp"
    elif "cp932" in ok and "euc_jp" in ok:
        _tie_break(data, verdict)
    else:
        verdict.encoding = ok[0]
    if verdict.encoding == "cp932":
        verdict.counts = cp932_counts(data)
    return verdict


# Log-likelihood margin (nats) a reading needs over the other to be chosen: below it the verdict
# is "ambiguous" (measured on the detection corpus of tests/readers/test_detect_corpus.py,
# figures in docs/readers.md: no wrong confident verdict).
TIE_MARGIN = 12.0
_TIE_SAMPLE = 1 << 16


def _tie_break(data: bytes, verdict: EncodingVerdict) -> None:
    """cp932 vs euc_jp when both decode strictly: weigh the evidence, or say it is ambiguous."""
    from .plausibility import halfwidth_footprint, log_likelihood

    sample = data[:_TIE_SAMPLE]
    texts = {enc: sample.decode(enc, "ignore") for enc in ("cp932", "euc_jp")}
    scores = {enc: log_likelihood(t) for enc, t in texts.items()}
    scores["cp932"] += halfwidth_footprint(texts["euc_jp"])
    verdict.scores = {k: round(v, 1) for k, v in scores.items()}
    best, other = sorted(scores, key=lambda e: -scores[e])
    margin = scores[best] - scores[other]
    if margin >= TIE_MARGIN:
        verdict.encoding = best
        verdict.note = (
            f"both cp932 and euc_jp decode: {best} reads as Japanese text by a margin of "
            f"{margin:.1f} (log-likelihood of kana / JIS level-1 and level-2 kanji / half-width "
            "katakana that looks like text)"
        )
        return
    verdict.encoding = None
    verdict.ambiguous = [best, other]
    verdict.previews = {enc: _preview(texts[enc]) for enc in (best, other)}
    verdict.note = (
        f"ambiguous: cp932 or euc_jp (both decode; the evidence differs by only {margin:.1f}): "
        "give the encoding explicitly"
    )


def _preview(text: str, n: int = 60) -> str:
    line = " ⏎ ".join(ln for ln in text.splitlines()[:3] if ln)
    return line[:n] + ("…" if len(line) > n else "")


def line_endings(data: bytes) -> dict[str, int]:
    """Counts of CRLF, bare LF and bare CR line ends."""
    crlf = data.count(b"\r\n")
    return {"crlf": crlf, "lf": data.count(b"\n") - crlf, "cr": data.count(b"\r") - crlf}
