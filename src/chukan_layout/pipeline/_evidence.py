"""Raw evidence of skipped stretches: every byte a resynchronised framer skipped, kept whole.

A damaged RDW / BDW (``readers/resync.py``) becomes one reject whose ``raw_hex`` in rejects.csv
is only a preview. The whole stretch is copied from the input into ``rejects-raw/<sha256>.bin``
in the output folder (published and listed in ``run.json`` like every output), and the reject's
reason names that file. Named by content: a stretch written twice is one file, and the name is
the checksum a reviewer verifies the bytes with.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..errors import ReadError

EVIDENCE_DIR = "rejects-raw"
_PIECE = 1 << 20


def keep_evidence(source: str | Path, offset: int, size: int, sha256: str, out_dir: str | Path) -> str:
    """Copy ``size`` bytes at ``offset`` of ``source`` to ``out_dir/rejects-raw/<sha256>.bin``;
    returns that path relative to ``out_dir``. The copy is checked against ``sha256`` (the
    reader's hash of the same bytes): a file that changed while it was read is an error."""
    rel = f"{EVIDENCE_DIR}/{sha256}.bin"
    final = Path(out_dir) / rel
    if final.exists():
        return rel
    final.parent.mkdir(exist_ok=True)
    tmp = final.with_name(f".{final.name}.{os.getpid()}")
    h = hashlib.sha256()
    with open(source, "rb") as src, open(tmp, "wb") as dst:
        src.seek(offset)
        left = size
        while left > 0:
            piece = src.read(min(_PIECE, left))
            if not piece:
                break
            h.update(piece)
            dst.write(piece)
            left -= len(piece)
    if left or h.hexdigest() != sha256:
        tmp.unlink(missing_ok=True)
        raise ReadError("the file changed while it was read (skipped bytes differ on a second read)",
                        str(source), None, offset)  # fmt: skip
    os.replace(tmp, final)
    return rel
