"""``key.duplicate``: unique record keys across all files of a layout, in bounded memory.

Each record's key (the layout's ``record_key`` items) becomes a 128-bit code (exact for
digit keys of up to 36 digits, a hash otherwise: :mod:`.hashing`) stored in a :class:`~.store.CodeStore`
(bucketed by code, spilled to disk past a memory budget). At :meth:`KeyIndex.finish`
duplicated codes are found one bucket at a time; records sharing a code are grouped, and groups of *hash* codes are re-checked
exactly by re-reading only the files concerned (``reread``), so a hash collision never
becomes a false finding. Without ``reread`` such groups are reported with a detail saying
the match is by hash (probability of any false pair among n hashed keys ≈ n²/2^64).

The first occurrence (in order of files as first seen, then record number) is the original;
every later record with the same key gets one ``key.duplicate`` finding naming the original.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pyarrow as pa

from ..findings import FindingSet, Sensitivity, Severity, register_code
from ._code_sets import duplicate_pairs, same_as_previous
from .base import STAGE, report
from .context import BatchContext
from .hashing import TOP, decode_exact, joined, key_codes
from .store import CodeStore

KEY_DOC = """\
Two records of a layout have the same record key (``record_key``), within a file or across
the files of the layout.

The first occurrence is kept as the original; each later one is reported, with the
original's file and record number in the detail. The finding's item is the key items
joined by ``+`` (e.g. ``atena_no+rireki_no``).

Bad: 住民 records 12 and 40 both with 宛名番号 ``0000012343`` and 履歴番号 ``1``
Good: record 40 with 履歴番号 ``2``
"""

register_code(
    "key.duplicate", Severity.ERROR, "Duplicate record key", "レコードキーの重複", stage=STAGE, doc=KEY_DOC
)

Reread = Callable[[str], Iterable[pa.RecordBatch]]


class KeyIndex:
    """Collects record-key codes of one layout's batches; reports duplicates at the end."""

    def __init__(
        self,
        items: Sequence[str],
        sensitivity: Sensitivity | str = Sensitivity.NONE,
        store: CodeStore | None = None,
    ) -> None:
        self.items = list(items)
        self.item_label = "+".join(self.items)
        self.sensitivity = Sensitivity(sensitivity)
        self.store = store if store is not None else CodeStore()
        # the duplicate check folded in as codes arrive: buckets that only rose are not read at finish
        self.store.track_rising = self.store.size == 0

    @classmethod
    def for_layout(cls, layout: object) -> KeyIndex:
        """A key index over ``layout.record_key`` (masking samples like its most sensitive item)."""
        items = layout.record_key  # type: ignore[attr-defined]
        sens = [layout.item(i).sensitivity for i in items]  # type: ignore[attr-defined]
        return cls(items, next((s for s in sens if s is not Sensitivity.NONE), Sensitivity.NONE))

    def add(self, batch: pa.RecordBatch | pa.Table, *, file: str) -> None:
        """Record the keys of ``batch`` (rows with a blank key part are skipped: item.required covers them)."""
        ctx = BatchContext(batch)
        codes, complete = key_codes(ctx, self.items)
        self.store.append(codes[complete], ctx.records()[complete], file)

    def add_codes(self, codes: np.ndarray, records: np.ndarray, *, file: str) -> None:
        """Record key codes computed elsewhere (``hashing.key_codes`` in a worker; complete keys only)."""
        self.store.append(codes, records, file)

    def nbytes(self) -> int:
        return self.store.nbytes()

    def finish(self, findings: FindingSet, *, reread: Reread | None = None, raw_values: bool = False) -> int:
        """Report duplicates into ``findings``; return the number of duplicate records.

        Works one bucket of the store at a time, re-bucketed first so that the largest holds
        at most ``store.finish_bytes`` (bounded memory). Hash-code candidates are re-read once,
        from ``reread(file)``, for their exact key text.
        """
        self.store.refine()
        texts: dict[tuple[int, int], str] | None = None
        if reread is not None:
            hashed: list[np.ndarray] = []
            for _, pairs in self.store.iter_partitions(may_repeat=True):
                codes, pos = duplicate_pairs(pairs)
                hashed.append(pos[(codes["hi"] & TOP) != 0])
            cand = np.concatenate(hashed) if hashed else np.zeros(0, np.int64)
            if cand.size:
                texts = self._reread_keys(reread, *self.store.locate(cand))
        total = 0
        # a bucket whose codes all arrived rising (a file in key order) holds no duplicate: not read
        for _, pairs in self.store.iter_partitions(may_repeat=True):
            total += self._report_bucket(pairs, texts, findings, raw_values)
        self.store.close()
        return total

    def _report_bucket(
        self, pairs: np.ndarray, texts: dict[tuple[int, int], str] | None, findings: FindingSet, raw: bool
    ) -> int:
        codes, pos = duplicate_pairs(pairs)
        if codes.size == 0:
            return 0
        files, recs = self.store.locate(pos)
        # group id beyond the code: the exact text of re-read hash candidates (0 = the code decides)
        text_id = np.zeros(codes.size, dtype=np.int64)
        hashed = (codes["hi"] & TOP) != 0
        if texts is not None and hashed.any():
            ids: dict[str, int] = {}
            for i in np.flatnonzero(hashed).tolist():
                t = texts.get((int(files[i]), int(recs[i])))
                if t is not None:
                    text_id[i] = ids.setdefault(t, len(ids) + 1)
        order = np.lexsort((recs, files, text_id, codes["lo"], codes["hi"]))
        codes, files, recs, text_id, hashed = (
            codes[order],
            files[order],
            recs[order],
            text_id[order],
            hashed[order],
        )
        new_group = np.ones(codes.size, dtype=bool)
        new_group[1:] = ~same_as_previous(codes["hi"], codes["lo"]) | (text_id[1:] != text_id[:-1])
        group_start = np.maximum.accumulate(np.where(new_group, np.arange(codes.size), 0))
        dup = ~new_group  # every member after the first of its group
        first_file, first_rec = files[group_start], recs[group_start]
        unchecked = hashed & (text_id == 0)
        n_parts = len(self.items)
        total = 0
        for f in np.unique(files[dup]).tolist():
            sel = np.flatnonzero(dup & (files == f))

            def values(k: np.ndarray, sel: np.ndarray = sel) -> list[str | None]:
                out: list[str | None] = []
                for i in sel[k].tolist():
                    parts = decode_exact(codes[i], n_parts)
                    text = None if texts is None else texts.get((int(files[i]), int(recs[i])))
                    out.append("+".join(parts) if parts is not None else text)
                return out

            def details(k: np.ndarray, sel: np.ndarray = sel, f: int = f) -> list[str | None]:
                out: list[str | None] = []
                for i in sel[k].tolist():
                    of, orec = int(first_file[i]), int(first_rec[i])
                    where = f"record {orec}" if of == f else f"{self.store.files[of]} record {orec}"
                    out.append(
                        f"same key as {where}" + (" (hash match, not re-read)" if unchecked[i] else "")
                    )
                return out

            report(
                findings,
                "key.duplicate",
                file=self.store.files[f],
                item=self.item_label,
                records=recs[sel],
                values=values,
                details=details,
                sensitivity=self.sensitivity,
                raw=raw,
            )
            total += int(sel.size)
        return total

    def _reread_keys(self, reread: Reread, files: np.ndarray, recs: np.ndarray) -> dict[tuple[int, int], str]:
        """Exact key text of the hashed candidates, by re-reading only their files."""
        texts: dict[tuple[int, int], str] = {}
        for f in np.unique(files).tolist():
            wanted = np.unique(recs[files == f])
            for batch in reread(self.store.files[f]):
                ctx = BatchContext(batch)
                rows = np.flatnonzero(np.isin(ctx.records(), wanted))
                if rows.size == 0:
                    continue
                text = joined([ctx.col(i).take(rows) for i in self.items]).to_pylist()
                for r, t in zip(ctx.records()[rows].tolist(), text, strict=True):
                    texts[(f, int(r))] = "+".join(str(t).split("\x1f"))
        return texts
