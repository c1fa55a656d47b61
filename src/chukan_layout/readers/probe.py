"""What ``chukan-layout inspect`` reports about an unknown legacy file.

Encoding verdict with evidence (:mod:`.detect`), BOM, line endings, a framing guess (CSV,
newline-terminated fixed width, FB fixed width from the divisors of the file size, RDW/VB),
the record-type byte histogram, a CSV dialect guess, 外字/PUA counts and the first records
decoded and in hex. With a definition, the first records are read through :func:`read`.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from .detect import SAMPLE_BYTES, detect_encoding, line_endings


def _rdw_chain(data: bytes, blocked: bool) -> int:
    """How many RDW records chain correctly from the start (0 = not RDW/VB)."""
    pos, n = 0, 0
    if blocked:
        if len(data) < 8 or data[2:4] != b"\0\0":
            return 0
        pos = 4
    while pos + 4 <= len(data) and n < 50:
        rlen = int.from_bytes(data[pos : pos + 2], "big")
        if data[pos + 2 : pos + 4] != b"\0\0" or rlen < 5:
            return n if pos + 4 > len(data) else 0
        pos += rlen
        n += 1
    return n


def guess_fixed_length(data: bytes, size: int, lo: int = 16, hi: int = 8192) -> list[dict[str, Any]]:
    """Record lengths that divide the file size, scored by column consistency (best first)."""
    raw = np.frombuffer(data, np.uint8)
    out = []
    for length in range(lo, min(hi, size) + 1):
        if size % length or size // length < 2:
            continue
        n = min(len(raw) // length, 200)
        if n < 2:
            continue
        m = raw[: n * length].reshape(n, length)
        # share of records agreeing with the most common byte, per column, averaged
        same = (m == m[0]).mean(axis=0)
        out.append({"length": length, "records": size // length, "score": round(float(same.mean()), 3)})
    return sorted(out, key=lambda r: (-r["score"], r["length"]))[:5]


def guess_csv(text: str) -> dict[str, Any] | None:
    """Delimiter with a consistent field count over the first lines, plus a header guess."""
    lines = [ln for ln in text.splitlines()[:200] if ln]
    if len(lines) < 2:
        return None
    best: dict[str, Any] | None = None
    for delim in [",", "\t", "|", ";"]:
        counts = Counter(len(r) for r in csv.reader(lines, delimiter=delim))
        fields, freq = counts.most_common(1)[0]
        if fields > 1 and freq / len(lines) >= 0.9 and (best is None or fields > best["fields"]):
            best = {"delimiter": delim, "fields": fields, "consistent_share": round(freq / len(lines), 3)}
    if best is None:
        return None
    rows = list(csv.reader(lines[:200], delimiter=best["delimiter"]))
    numeric_below = [
        j
        for j in range(best["fields"])
        if rows[0][j : j + 1]
        and not rows[0][j].strip().lstrip("-").replace(".", "").isdigit()
        and sum(1 for r in rows[1:] if len(r) > j and r[j].strip().lstrip("-").replace(".", "").isdigit())
        >= 0.8 * (len(rows) - 1)
    ]
    try:
        sniffed = csv.Sniffer().has_header("\n".join(lines[:50]))
    except csv.Error:
        sniffed = False
    best["header"] = bool(numeric_below) or sniffed
    best["quoted"] = '"' in text[:65536]
    return best


def inspect_file(
    path: str | Path, encoding: str | None = None, records: int = 5, definition: Any = None
) -> dict[str, Any]:
    """The inspection report as a JSON-able dict.

    ``encoding`` is any label of the one alias table (``IBM930``, ``cp930``, ``Shift_JIS`` …);
    an unknown one raises :class:`LookupError` naming the known encodings."""
    from .codecs import check_encoding, is_ebcdic, whole_file_name

    p = Path(path)
    size = p.stat().st_size
    with open(p, "rb") as f:
        data = f.read(SAMPLE_BYTES)
    if encoding is not None:
        check_encoding(encoding)
    verdict = detect_encoding(data, complete=len(data) == size)
    enc = (whole_file_name(encoding) if encoding else None) or verdict.encoding
    report: dict[str, Any] = {
        "file": p.name,
        "size": size,
        "encoding": enc,
        "encoding_source": "explicit" if encoding else "detected",
        "detection": verdict.to_dict(),
        "bom": verdict.bom,
    }
    if enc and _wide(enc):
        return _inspect_wide(report, data, enc, records, p, definition, encoding)
    report["line_endings"] = line_endings(data)
    le = report["line_endings"]
    lines = data.split(b"\n")
    framing: dict[str, Any] = {}
    if _rdw_chain(data, False) >= min(3, size // 8) and _rdw_chain(data, False) > 0:
        framing = {"kind": "rdw", "records_chained": _rdw_chain(data, False)}
    elif _rdw_chain(data, True) >= 3:
        framing = {"kind": "vb", "records_chained": _rdw_chain(data, True)}
    elif le["lf"] + le["crlf"] >= 2:
        term = "crlf" if le["crlf"] >= le["lf"] else "lf"
        lens = Counter(len(ln.rstrip(b"\r")) for ln in lines[:-1][:10000])
        common, freq = lens.most_common(1)[0]
        framing = {
            "kind": term,
            "line_lengths": dict(lens.most_common(5)),
            "fixed_length_guess": common if freq / max(sum(lens.values()), 1) >= 0.95 else None,
        }
    else:
        framing = {"kind": "fixed", "length_candidates": guess_fixed_length(data, size)}
    report["framing"] = framing
    if enc and not is_ebcdic(enc):
        text = data.decode(_py(enc), "replace")
        report["csv"] = guess_csv(text) if framing["kind"] in ("lf", "crlf") else None
    reclen = framing.get("fixed_length_guess") or (
        framing["length_candidates"][0]["length"] if framing.get("length_candidates") else None
    )
    report["record_type_histogram"] = _type_histogram(data, framing, reclen)
    report["first_records"] = _first_records(data, framing, reclen, enc, records)
    for enc_alt in verdict.ambiguous:  # no verdict: show the records in every plausible reading
        for item, raw in zip(
            report["first_records"], _raw_records(data, framing, reclen, records), strict=False
        ):
            item[f"text_{enc_alt}"] = raw.decode(enc_alt, "replace")
    if definition is not None:
        report["decoded"] = _with_definition(p, definition, encoding, records)
    return report


def _wide(enc: str) -> bool:
    """UTF-16 / UTF-32: line ends, lengths and records must be found in code units, not bytes."""
    return enc.replace("_", "-").lower().startswith(("utf-16", "utf-32"))


def _inspect_wide(
    report: dict[str, Any],
    data: bytes,
    enc: str,
    k: int,
    path: Path,
    definition: Any,
    encoding: str | None,
) -> dict[str, Any]:
    """Inspect a UTF-16 / UTF-32 file in code units of its encoding (a byte 0x0A inside 上 U+4E0A
    is not a line end). Lengths are in code units; the hex shows each record's own bytes."""
    text = data.decode(enc, "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    unit = 4 if "32" in enc else 2
    crlf = text.count("\r\n")
    le = {"crlf": crlf, "lf": text.count("\n") - crlf, "cr": text.count("\r") - crlf}
    report["line_endings"] = le
    lines = text.split("\n")
    body = lines[:-1] if len(lines) > 1 else lines
    bare = enc
    if enc in ("utf-16", "utf-32"):  # BOM-aware: the code units follow the BOM's byte order
        bare = f"{enc}-be" if data.startswith((b"\xfe\xff", b"\0\0\xfe\xff")) else f"{enc}-le"
    lens = Counter(len(ln.rstrip("\r").encode(bare)) // unit for ln in body[:10000])
    common, freq = lens.most_common(1)[0] if lens else (0, 0)
    report["framing"] = {
        "kind": "crlf" if le["crlf"] >= le["lf"] and le["crlf"] else ("lf" if le["lf"] else "none"),
        "unit": f"{unit}-byte code units ({enc})",
        "line_lengths": dict(lens.most_common(5)),
        "fixed_length_guess": common if freq / max(sum(lens.values()), 1) >= 0.95 and len(body) > 1 else None,
    }
    report["csv"] = guess_csv(text)
    report["record_type_histogram"] = {}
    report["first_records"] = [
        {
            "record": i,
            "length": len(ln.encode(bare)) // unit,
            "hex": ln.encode(bare)[:64].hex(" ") + (" …" if len(ln.encode(bare)) > 64 else ""),
            "text": ln,
        }
        for i, ln in enumerate((ln.rstrip("\r") for ln in body if ln), 1)
        if i <= k
    ]
    if definition is not None:
        report["decoded"] = _with_definition(path, definition, encoding, k)
    return report


def _py(enc: str) -> str:
    from .codecs import whole_file_name

    return whole_file_name(enc)


def _raw_records(data: bytes, framing: dict[str, Any], reclen: int | None, k: int) -> list[bytes]:
    kind = framing["kind"]
    if kind in ("lf", "crlf"):
        return [ln.rstrip(b"\r") for ln in data.split(b"\n", k)[:k] if ln]
    if kind in ("rdw", "vb"):
        out: list[bytes] = []
        pos = 4 if kind == "vb" else 0
        while len(out) < k and pos + 4 <= len(data):
            rlen = int.from_bytes(data[pos : pos + 2], "big")
            out.append(data[pos + 4 : pos + rlen])
            pos += max(rlen, 4)
        return out
    if reclen:
        return [data[i * reclen : (i + 1) * reclen] for i in range(min(k, len(data) // reclen))]
    return [data[:256]]


def _type_histogram(data: bytes, framing: dict[str, Any], reclen: int | None) -> dict[str, int]:
    recs = _raw_records(data, framing, reclen, 10000)
    return {f"{b:02X}": c for b, c in Counter(r[0] for r in recs if r).most_common(10)}


def _first_records(
    data: bytes, framing: dict[str, Any], reclen: int | None, enc: str | None, k: int
) -> list[dict[str, Any]]:
    from .codecs import get_codec, is_ebcdic
    from .definition import FieldType

    out = []
    for i, r in enumerate(_raw_records(data, framing, reclen, k), 1):
        item: dict[str, Any] = {
            "record": i,
            "length": len(r),
            "hex": r[:64].hex(" ") + (" …" if len(r) > 64 else ""),
        }
        if enc:
            try:
                if enc == "utf-8-sig":
                    item["text"] = r.decode(enc, "replace")
                else:
                    item["text"] = get_codec(enc).decode_bytes(r, FieldType.MIXED)
            except (UnicodeDecodeError, ValueError, LookupError):
                item["text"] = r.decode(_py(enc), "replace") if not is_ebcdic(enc) else None
                item["decode_error"] = True
        out.append(item)
    return out


def _with_definition(path: Path, definition: Any, encoding: str | None, k: int) -> dict[str, Any]:
    from .api import read

    reader = read(path, definition, encoding=encoding, limit=k + 10, batch_size=max(k, 1))
    rows: list[dict[str, Any]] = []
    for batch in reader:
        rows.extend(batch.to_pylist())
    return {
        "records": rows[:k],
        "headers": reader.headers,
        "trailers": reader.trailers,
        "rejects": [
            {
                "record": r.record,
                "offset": r.offset,
                "code": r.code,
                "reason": r.reason,
                "hex": r.raw[:64].hex(" "),
            }
            for r in reader.rejects
        ],
    }
