"""``ref.orphan``: references between layouts (relations), checked in bounded memory.

A :class:`~chukan_layout.spec.model.Relation` says that ``items`` of a source layout must
exist as ``target_items`` in a target layout (世帯番号 of 住民 in 世帯; 宛名番号 of 課税 /
国保 / 介護 in 住民). Target keys and source keys are stored as 64-bit codes
(:mod:`.hashing`); at :meth:`ReferenceIndex.finish` the targets are sorted once and every
source code is probed with ``searchsorted``.

Exactness: a source key whose code is absent from the targets is certainly an orphan.
Digit keys (the usual case) have *exact* codes, so a present code is certainly a match.
For hashed keys (non-digits, or more than 18 digits) a present code could, in principle,
be a different key with the same hash, hiding an orphan: per probe the chance is at most
(number of distinct hashed target keys) / 2^63, i.e. < 1.1e-12 for 10M targets, and
< 1.1e-5 expected hidden orphans over 10M probes. This is documented, not re-checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ..findings import FindingSet, Sensitivity, Severity, register_code
from ..spec.model import Layout, Relation
from .base import STAGE, report
from .context import BatchContext
from .hashing import decode_exact, key_codes
from .store import CodeStore

REF_DOC = """\
A record refers (through a layout relation) to a key that no record of the target layout has.

The finding's item is the relation's source items joined by ``+``; the detail names the
relation and the target layout. Blank references are skipped when the relation is optional.

Bad: 住民 with 世帯番号 ``000009005`` and no 世帯 record with that 世帯番号
Good: 世帯番号 ``000005673``, present in the 世帯 file
"""

register_code("ref.orphan", Severity.ERROR, "Reference to a missing record", "参照先レコードなし", stage=STAGE,
              doc=REF_DOC)


@dataclass
class _Edge:
    source: str  # layout id
    relation: Relation
    sensitivity: Sensitivity
    store: CodeStore = field(default_factory=CodeStore)
    blanks: CodeStore = field(default_factory=CodeStore)  # non-optional relations: rows with a blank key


class ReferenceIndex:
    """Reference checks between layouts of one run."""

    def __init__(self, layouts: list[Layout]) -> None:
        ids = {lay.id for lay in layouts}
        self.edges: list[_Edge] = []
        self.targets: dict[tuple[str, tuple[str, ...]], CodeStore] = {}
        for lay in layouts:
            for rel in lay.relations:
                if rel.layout not in ids:
                    continue  # target file not part of this run: nothing to check against
                sens = next((lay.item(i).sensitivity for i in rel.items
                             if lay.item(i).sensitivity is not Sensitivity.NONE), Sensitivity.NONE)
                self.edges.append(_Edge(lay.id, rel, sens))
                self.targets.setdefault((rel.layout, tuple(rel.target_items)), CodeStore())

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
                e.blanks.append(np.zeros(int((~complete).sum()), np.uint64), records[~complete], file)

    def nbytes(self) -> int:
        return sum(s.nbytes() for s in self.targets.values()) + sum(e.store.nbytes() for e in self.edges)

    def finish(self, findings: FindingSet, *, raw_values: bool = False) -> int:
        """Report orphans into ``findings``; return their number."""
        total = 0
        sorted_targets = {k: s.drain_sorted() for k, s in self.targets.items()}
        for e in self.edges:
            rel = e.relation
            targets = sorted_targets[(rel.layout, tuple(rel.target_items))]
            item = "+".join(rel.items)
            n_parts = len(rel.items)
            detail = f"{rel.id}: no {rel.layout} record with this {'+'.join(rel.target_items)}"
            for store, blank in ((e.store, False), (e.blanks, True)):
                for start, chunk in store.iter_chunks():
                    if blank:
                        miss = np.arange(chunk.size)
                    else:
                        at = np.searchsorted(targets, chunk)
                        found = at < targets.size
                        found[found] = targets[at[found]] == chunk[found]
                        miss = np.flatnonzero(~found)
                    if miss.size == 0:
                        continue
                    files, recs = store.locate(start + miss)
                    for f in np.unique(files):
                        sel = np.flatnonzero(files == f)
                        codes = chunk[miss[sel]]
                        vals = None if blank else (lambda k, codes=codes, n=n_parts: _texts(codes[k], n))
                        report(findings, "ref.orphan", file=store.files[int(f)], item=item, records=recs[sel],
                               values=vals, details=detail, sensitivity=e.sensitivity, raw=raw_values)
                        total += int(sel.size)
        return total


def _texts(codes: np.ndarray, parts: int) -> list[str | None]:
    """Key text of exact codes (None for hashed ones: their text is not kept)."""
    out: list[str | None] = []
    for c in codes.tolist():
        p = decode_exact(int(c), parts)
        out.append(None if p is None else "+".join(p))
    return out
