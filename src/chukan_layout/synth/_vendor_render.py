"""A chunk of vendor records as bytes: fixed-width (cp932 or EBCDIC) and CSV.

Pure functions over the reader's renderer (:mod:`chukan_layout.readers.render`): the
``undecodable_bytes`` faults become bytes no decoder accepts, and the record types of a
fixed-width file interleave by household (a 世帯 record, then its members …). The writer
(:class:`~chukan_layout.synth.vendors.VendorFileWriter`) frames, counts and lists them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..readers.definition import CsvDefinition, FixedWidthDefinition
from ..readers.render import record_matrix, render_csv
from ._vendor_fields import UNDECODABLE_MARK, Fault

UNDECODABLE_SJIS = b"\x85\x40"  # lead byte 0x85 is unassigned in cp932
UNDECODABLE_EBCDIC = b"\xff\xff"  # not a DBCS code of IBM930


def fixed_records(
    d: FixedWidthDefinition, rtype: str, cols: dict[str, pa.Array], faults: list[Fault]
) -> np.ndarray:
    """The record matrix (rows × bytes) of one record type, undecodable fields patched in."""
    rt = d.record_type(rtype)
    m = record_matrix(d, rt.name, cols)
    for row, kind, fname, _item, _detail in faults:
        if kind == "undecodable_bytes":
            f = next(x for x in rt.fields if x.name == fname)
            if d.encoding == "ibm930":
                m[row, f.start : f.start + 2] = np.frombuffer(UNDECODABLE_EBCDIC, np.uint8)
            else:
                m[row, f.start - 1 : f.start + 1] = np.frombuffer(UNDECODABLE_SJIS, np.uint8)
    return m


def interleave(
    mats: list[np.ndarray], households: list[np.ndarray], pad: int
) -> tuple[np.ndarray, np.ndarray]:
    """Records of several types in one matrix, ordered by (household, type, row); narrower types padded.

    Returns the matrix and each input row's position in it (rows numbered through ``mats`` in order)."""
    width = max(m.shape[1] for m in mats)
    padded = [
        m if m.shape[1] == width else np.pad(m, ((0, 0), (0, width - m.shape[1])), constant_values=pad)
        for m in mats
    ]
    keys = [
        np.stack([hh, np.full(m.shape[0], k), np.arange(m.shape[0])], axis=1)
        for k, (m, hh) in enumerate(zip(mats, households, strict=True))
    ]
    key = np.concatenate(keys)
    if len(mats) > 1:
        order = np.lexsort((key[:, 2], key[:, 1], key[:, 0]))
        pos = np.empty_like(order)
        pos[order] = np.arange(order.shape[0])
        return np.concatenate(padded)[order], pos
    return padded[0], np.arange(key.shape[0])


def csv_records(d: CsvDefinition, cols: dict[str, pa.Array], header: bool) -> bytes:
    """The CSV bytes of one chunk (with the header row when ``header``), undecodable fields patched in."""
    data = render_csv(d.model_copy(update={"header": header}), cols)
    mark = UNDECODABLE_MARK.encode(d.encoding)
    if mark in data:
        data = data.replace(mark, UNDECODABLE_SJIS)
    return data
