"""The 照合結果報告書 (reconcile report) as data: Pydantic models, schema version ``1.0``.

The second report kind of this package, beside the validation :class:`~.model.Report`:
``reconcile.json`` is its source of truth, ``reconcile.html`` a rendering of it
(:mod:`.render_reconcile`). Same conventions: counts are non-negative integers (totals
are signed integers: sums of amounts), lists in a fixed order, ``generated_at`` honours
``SOURCE_DATE_EPOCH``, sample values masked unless ``options.masking`` is false. The JSON
Schema is committed as ``docs/reconcile.schema.json`` (a test keeps it current).
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import Field

from .model import NonNegInt, Sha256, ToolInfo, _Model

RECONCILE_SCHEMA_VERSION: Final = "1.0"
DIFFERENCE_KINDS: tuple[str, ...] = ("only_old", "only_new", "duplicate_old", "duplicate_new", "changed")


class ReconcileVerdict(_Model):
    status: Literal["match", "mismatch"]
    label_ja: str
    label_en: str
    reasons: list[str] = Field(
        default_factory=list
    )  # English, one line each (Japanese labels are in the HTML)


class SideFile(_Model):
    path: str
    role: Literal["standard", "source", "gaiji_table", "report"]
    size: NonNegInt
    sha256: Sha256
    layout_id: str | None = None


class SideInfo(_Model):
    """One side (OLD or NEW): its inputs, how they were read, what conversion dropped."""

    name: Literal["old", "new"]
    adapter: str | None = None
    files: list[SideFile]
    conversion: dict[str, NonNegInt] = Field(
        default_factory=dict
    )  # adapter path: records_in / records_out / rejected / control


class ItemDifference(_Model):
    item: str
    item_name: str
    changed: NonNegInt  # changed cells (records × this item)


class EquivalenceCount(_Model):
    item: str
    item_name: str
    equivalence: str
    count: NonNegInt


class LayoutResult(_Model):
    """The keyed comparison of one layout."""

    layout_id: str
    title_ja: str
    spec_version: str
    layout_sha256: Sha256 | None = None
    key: list[str]
    partitions: NonNegInt
    old_files: list[str]
    new_files: list[str]
    old_records: NonNegInt
    new_records: NonNegInt
    old_read_rejected: NonNegInt = 0
    new_read_rejected: NonNegInt = 0
    matched: NonNegInt
    identical: NonNegInt
    only_old: NonNegInt
    only_new: NonNegInt
    duplicate_old: NonNegInt
    duplicate_new: NonNegInt
    changed: NonNegInt  # matched records with at least one changed item
    items_not_compared: list[str] = Field(default_factory=list)  # items one side does not carry
    by_item: list[ItemDifference] = Field(default_factory=list)
    equivalences: list[EquivalenceCount] = Field(default_factory=list)

    @property
    def differences(self) -> int:
        return self.only_old + self.only_new + self.duplicate_old + self.duplicate_new + self.changed


class Sample(_Model):
    """One difference row (masked unless ``options.masking`` is false)."""

    layout: str
    kind: Literal["only_old", "only_new", "duplicate_old", "duplicate_new", "changed"]
    key: str
    item: str = ""
    item_name: str = ""
    old_value: str = ""
    new_value: str = ""
    old_file: str = ""
    old_record: str = ""
    new_file: str = ""
    new_record: str = ""


class TotalRow(_Model):
    """One line of the 照合表: a total (or one group of it) on both sides."""

    layout_id: str
    total_id: str
    label: str
    label_en: str = ""
    kind: str
    group: str = ""  # the by-values (and band), joined by " / "; "" for an ungrouped total
    old: int | None
    new: int | None
    ok: bool

    @property
    def diff(self) -> int | None:
        return None if self.old is None or self.new is None else self.new - self.old


class CrossRow(_Model):
    """A cross-layout total on one side: this layout's figure = the other layout's figure."""

    id: str
    label: str
    side: Literal["old", "new"]
    layout_id: str
    value: int | None
    other_layout_id: str
    other_value: int | None
    ok: bool


class FindingChange(_Model):
    """A finding (code × file × item) of two convert runs' report.json files (rehearsal diff)."""

    code: str
    file: str
    item: str
    old: NonNegInt
    new: NonNegInt
    change: Literal["appeared", "disappeared", "changed"]


class ReconcileOptions(_Model):
    equivalences: list[str]
    code_map: str | None = None
    gaiji_evidence: str | None = None
    keys: dict[str, list[str]] = Field(default_factory=dict)
    masking: bool = True
    max_samples: NonNegInt
    workers: NonNegInt
    extra: dict[str, str] = Field(default_factory=dict)


class ReconcileReport(_Model):
    """The whole reconcile result (``reconcile.json``)."""

    schema_version: str = RECONCILE_SCHEMA_VERSION
    kind: Literal["reconcile"] = "reconcile"
    title: str = "照合結果報告書"
    generated_at: str
    tool: ToolInfo
    verdict: ReconcileVerdict
    old: SideInfo
    new: SideInfo
    layouts: list[LayoutResult]
    totals: list[TotalRow]
    cross: list[CrossRow] = Field(default_factory=list)
    samples: list[Sample] = Field(default_factory=list)
    findings_diff: list[FindingChange] | None = None  # both sides are convert outputs with report.json
    differences_total: NonNegInt = 0
    differences_by_kind: dict[str, NonNegInt] = Field(default_factory=dict)
    options: ReconcileOptions
