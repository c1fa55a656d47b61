"""``ref.orphan``: references between layouts (relations), checked in bounded memory.

A :class:`~chukan_layout.spec.model.Relation` says that ``items`` of a source layout must
exist as ``target_items`` in a target layout (世帯番号 of 住民 in 世帯; 宛名番号 of 課税 /
国保 / 介護 in 住民). Target keys and source keys are stored as 128-bit codes
(:mod:`.hashing`) in bucketed, spill-to-disk stores (:mod:`.store`); at
:meth:`ReferenceIndex.finish` each bucket of the sources is sorted together with the same
bucket of the targets (:func:`._code_sets.contained`; a Grace hash join: memory is one bucket).
Before that, :meth:`~.store.CodeStore.refine` re-buckets the target and source stores alike
until a target bucket holds at most ``finish_bytes``; the sources of a bucket are streamed
against it a chunk at a time, so memory does not grow with the number of records.

Exactness: a source key whose code is absent from the targets is certainly an orphan.
Digit keys (the usual case, up to 36 digits) have *exact* codes, so a present code is
certainly a match. For hashed keys (non-digits, or longer) a present code could, in
principle, be a different key with the same hash, hiding an orphan: per probe the chance is
at most (number of distinct hashed target keys) / 2^127, i.e. < 1e-31 for 10M targets.
This is documented, not re-checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..findings import FindingSet, Sensitivity, Severity, register_code
from ..spec.model import Layout, Relation
from ._code_sets import contained
from .base import STAGE, report
from .context import BatchContext
from .hashing import CODE, decode_exact, key_codes
from .store import PAIR, CodeStore

REF_DOC = """\
A record refers (through a layout relation) to a key that no record of the target layout has.

The finding's item is the relation's source items joined by ``+``; the detail names the
relation and the target layout. Blank references are skipped when the relation is optional.

Bad: 住民 with 世帯番号 ``000009005`` and no 世帯 record with that 世帯番号
Good: 世帯番号 ``000005673``, present in the 世帯 file
"""

register_code(
    "ref.orphan",
    Severity.ERROR,
    "Reference to a missing record",
    "参照先レコードなし",
    stage=STAGE,
    doc=REF_DOC,
)


@dataclass
class _Edge:
    source: str  # layout id
    relation: Relation
    sensitivity: Sensitivity
    store: CodeStore
    blanks: CodeStore  # non-optional relations: rows with a blank key


class ReferenceIndex:
    """Reference checks between layouts of one run."""

    def __init__(
        self,
        layouts: list[Layout],
        *,
        partitions: int = 16,
        memory_budget: int = 8 << 20,
        spill_dir: str | None = None,
    ) -> None:
        def new_store() -> CodeStore:
            return CodeStore(partitions, memory_budget, spill_dir)

        ids = {lay.id for lay in layouts}
        self.edges: list[_Edge] = []
        self.targets: dict[tuple[str, tuple[str, ...]], CodeStore] = {}
        for lay in layouts:
            for rel in lay.relations:
                if rel.layout not in ids:
                    continue  # target file not part of this run: nothing to check against
                sens = next(
                    (
                        lay.item(i).sensitivity
                        for i in rel.items
                        if lay.item(i).sensitivity is not Sensitivity.NONE
                    ),
                    Sensitivity.NONE,
                )
                self.edges.append(_Edge(lay.id, rel, sens, new_store(), new_store()))
                self.targets.setdefault((rel.layout, tuple(rel.target_items)), new_store())

    def add(self, layout_id: str, batch: pa.RecordBatch | pa.Table, *, file: str) -> None:
        """Feed a batch of ``layout_id``: as target of relations into it, as source of its relations."""
        ctx = BatchContext(batch)
        records = ctx.records()
        for (target, items), store in self.targets.items():
            if target == layout_id:
                codes, complete = key_codes(ctx, items)
                store.append(codes[complete], records[complete], file)
        for e in self.edges:
            if e.source != layout_id:
                continue
            codes, complete = key_codes(ctx, e.relation.items)
            e.store.append(codes[complete], records[complete], file)
            if not e.relation.optional and not complete.all():
                e.blanks.append(np.zeros(int((~complete).sum()), CODE), records[~complete], file)

    def stores(self) -> list[CodeStore]:
        """Every store of the index (targets, sources, blanks)."""
        return [*self.targets.values(), *(s for e in self.edges for s in (e.store, e.blanks))]

    def nbytes(self) -> int:
        return sum(s.nbytes() for s in self.targets.values()) + sum(e.store.nbytes() for e in self.edges)

    def finish(self, findings: FindingSet, *, raw_values: bool = False) -> int:
        """Report orphans into ``findings``; return their number. Works one bucket at a time."""
        total = 0
        for e in self.edges:
            rel = e.relation
            target = self.targets[(rel.layout, tuple(rel.target_items))]
            item = "+".join(rel.items)
            detail = f"{rel.id}: no {rel.layout} record with this {'+'.join(rel.target_items)}"
            n_parts = len(rel.items)
            # both stores bucketed alike, the target's buckets small enough to load whole; the
            # sources of a bucket are streamed against it (bounded memory, see .store)
            bits = max(target.bits_for(), e.store.bits)
            target.refine(bits)
            e.store.refine(bits)
            rows = max(1, e.store.finish_bytes // PAIR.itemsize)
            for p in range(e.store.partitions):
                if not e.store.bucket_pairs(p):
                    continue
                targets = target.partition(p)
                for pairs in e.store.chunks(p, rows):
                    found = contained(pairs, targets)
                    total += self._report(findings, e.store, pairs[~found], item, detail, n_parts, e.sensitivity,
                                          raw_values, blank=False)  # fmt: skip
            for p in range(e.blanks.partitions):  # blank keys share one code: streamed, never loaded whole
                for pairs in e.blanks.chunks(p, rows):
                    total += self._report(findings, e.blanks, pairs, item, detail, n_parts, e.sensitivity,
                                          raw_values, blank=True)  # fmt: skip
            e.store.close()
            e.blanks.close()
        for store in self.targets.values():
            store.close()
        return total

    @staticmethod
    def _report(
        findings: FindingSet,
        store: CodeStore,
        miss: np.ndarray,
        item: str,
        detail: str,
        n_parts: int,
        sensitivity: Sensitivity,
        raw: bool,
        *,
        blank: bool,
    ) -> int:
        if miss.size == 0:
            return 0
        files, recs = store.locate(miss["pos"])
        for f in np.unique(files).tolist():
            sel = np.flatnonzero(files == f)
            codes = miss[sel]
            vals = None if blank else (lambda k, codes=codes: _texts(codes[k], n_parts))
            report(
                findings,
                "ref.orphan",
                file=store.files[f],
                item=item,
                records=recs[sel],
                values=vals,
                details=detail,
                sensitivity=sensitivity,
                raw=raw,
            )
        return int(miss.size)


def _texts(codes: np.ndarray, parts: int) -> list[str | None]:
    """Key text of exact codes (None for hashed ones: their text is not kept)."""
    out: list[str | None] = []
    for hi, lo in zip(codes["hi"].tolist(), codes["lo"].tolist(), strict=True):
        p = decode_exact((hi, lo), parts)
        out.append(None if p is None else "+".join(p))
    return out
