"""Build the :class:`~.model.Report` from a :class:`FindingSet` and plain accounting.

The pipeline calls :func:`build_report` once at the end of a run::

    report = build_report(
        findings,                                   # merged FindingSet of all workers
        files=[FileCounts("JUMIN.DAT", records_read=20_002, written=19_990, rejected=10,
                          control_records=2, rejected_by_reason={"item.required": 10},
                          layout_id="juki.jumin")],
        inputs=[InputInfo("in/JUMIN.DAT", file_id="JUMIN.DAT", encoding="cp932",
                          encoding_source="adapter", framing="fixed 320 bytes + CRLF")],
        outputs=[OutputInfo("out/住民.csv", records=19_990, layout_id="juki.jumin")],
        layouts=[LayoutInfo.of(layout, path=yaml_path)],
        trailers=[TrailerCheck("JUMIN.DAT", "record_count", declared=20_000, counted=20_000)],
        gaiji=GaijiCounts(by_status={"exact": 812, "unmapped": 3}, unmapped={"F040": 3}),
        item_names={"shimei": "氏名"},               # or a callable (file, item) -> 項目名称
        adapter=("vendor_a", "1.0"),
    )
    write_reports(report, "out/report")             # report.json, report.html, findings.csv

Everything is sorted here, so the order in which workers finished does not matter.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .. import __version__
from ..files import sha256_file
from ..findings import FindingSet, get_code
from .inputs import FileCounts, GaijiCounts, InputInfo, LayoutInfo, OutputInfo, TrailerCheck
from .model import (
    GAIJI_STATUSES,
    AdapterRef,
    CharCount,
    CodeCount,
    EncodingVerdict,
    FileAccounting,
    FindingRow,
    GaijiSummary,
    InputFile,
    LayoutRef,
    OutputFile,
    Reconciliation,
    Report,
    RunOptions,
    Sample,
    Thresholds,
    ToolInfo,
    Totals,
)
from .verdict import compute_verdict

ItemNames = Mapping[str, str] | Callable[[str, str], str | None]
TOP_N = 20


def _overrides(findings: FindingSet) -> dict[str, str]:
    """``{code or rule:<id>: level}``, rules turned off as ``off``, each with its reason if any."""
    levels = {
        **{k: str(v) for k, v in findings.severity_overrides.items()},
        **dict.fromkeys(findings.disabled, "off"),
    }
    why = findings.override_reasons
    return {k: f"{v} ({why[k]})" if k in why else v for k, v in levels.items()}


def generated_at(now: datetime | None = None) -> str:
    """UTC timestamp ``YYYY-MM-DDTHH:MM:SSZ``; ``SOURCE_DATE_EPOCH`` wins (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip():
        dt = datetime.fromtimestamp(int(epoch), tz=UTC)
    else:
        dt = (now or datetime.now(UTC)).astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def clean_text(value: str | None) -> str | None:
    """Make a value safe to store as UTF-8: lone surrogates become visible ``[0xNN]`` / ``[U+D8xx]``.

    Values decoded with ``surrogateescape`` carry undecodable bytes as U+DC80–DCFF; they
    cannot be written as UTF-8, so they are shown as the byte they stand for.
    """
    if value is None or not any("\ud800" <= c <= "\udfff" for c in value):
        return value
    out = []
    for c in value:
        o = ord(c)
        if 0xDC80 <= o <= 0xDCFF:
            out.append(f"[0x{o - 0xDC00:02X}]")
        elif 0xD800 <= o <= 0xDFFF:
            out.append(f"[U+{o:04X}]")
        else:
            out.append(c)
    return "".join(out)


def _exact(v: int | Decimal | str) -> str:
    return str(v).strip()


def _same_number(a: str, b: str) -> bool:
    try:
        return Decimal(a) == Decimal(b)
    except InvalidOperation:
        return a == b


def _codepoints(s: str) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in s)


def _resolve_name(item_names: ItemNames | None, file: str, item: str) -> str:
    if item_names is None or item == "":
        return ""
    name = item_names(file, item) if callable(item_names) else item_names.get(item)
    return name or ""


def item_names_for(layouts_by_file: Mapping[str, Any]) -> Callable[[str, str], str | None]:
    """An ``item_names`` callable from ``{file id: LoadedLayout or Layout}``: 項目名称 of items, message of ``rule:<id>``.

    Items joined with ``+`` (a finding on several items) get their names joined with ``・``.
    """

    def name(file: str, item: str) -> str | None:
        layout = layouts_by_file.get(file)
        layout = getattr(layout, "spec", layout)  # a LoadedLayout (registry) or a Layout (spec model)
        if layout is None:
            return None
        if item.startswith("rule:"):
            rid = item[5:]
            return next((r.message for r in getattr(layout, "rules", []) if r.id == rid), None)
        names = {it.id: it.name for it in layout.items}
        parts = [names.get(p) for p in item.split("+")]
        return "・".join(p for p in parts if p) or None

    return name


def finding_rows(findings: FindingSet, item_names: ItemNames | None = None) -> list[FindingRow]:
    """The FindingSet as report rows (sorted by code, file, item), with 項目名称 and summaries."""
    rows = []
    for r in findings.rows():
        try:
            fc = get_code(r["code"])
            ja, en = fc.summary_ja, fc.summary_en
        except KeyError:
            ja = en = ""
        rows.append(
            FindingRow(
                code=r["code"],
                severity=r["severity"],
                file=r["file"],
                item=r["item"],
                item_name=_resolve_name(item_names, r["file"], r["item"]),
                summary_ja=ja,
                summary_en=en,
                count=r["count"],
                samples=[
                    Sample(record=s["record"], value=clean_text(s["value"]), detail=clean_text(s["detail"]))
                    for s in r["samples"]
                ],
            )
        )
    return rows


def _chars(code_or_char: str) -> str:
    """``U+845B U+E0100`` notation → the characters; anything else is taken as the characters."""
    parts = code_or_char.split()
    if parts and all(p.startswith("U+") for p in parts):
        try:
            return "".join(chr(int(p[2:], 16)) for p in parts)
        except ValueError:
            return code_or_char
    return code_or_char


def gaiji_summary(g: GaijiCounts | None, top_n: int = TOP_N) -> GaijiSummary:
    """Counts by status (all present), top unmapped codes and non-storable characters."""
    if g is None:
        return GaijiSummary()
    unknown = set(g.by_status) - set(GAIJI_STATUSES)
    if unknown:
        raise ValueError(f"unknown 外字 status {sorted(unknown)}; valid: {', '.join(GAIJI_STATUSES)}")
    by_status = {s: int(g.by_status.get(s, 0)) for s in GAIJI_STATUSES}
    top = sorted(((c, n) for c, n in g.unmapped.items() if n > 0), key=lambda t: (-t[1], t[0]))
    unmapped = [
        CodeCount(
            code=c, char=_chars(c) if c.startswith("U+") else "", count=n, items=sorted(g.items.get(c, ()))
        )
        for c, n in top[:top_n]
    ]
    ns_rows = []
    for key, n in g.not_storable.items():
        charset, code = key if isinstance(key, tuple) else (g.target_charset or "", key)
        if n > 0:
            ch = _chars(code)
            ns_rows.append(
                CharCount(
                    char=ch,
                    codepoints=_codepoints(ch),
                    charset=charset,
                    count=n,
                    items=sorted(g.items.get(code, ())),
                )
            )
    ns_rows.sort(key=lambda c: (-c.count, c.codepoints, c.charset))
    return GaijiSummary(
        target_charset=g.target_charset,
        by_status=by_status,
        by_item={k: int(v) for k, v in g.by_item.items()},
        unmapped_distinct=len(top),
        top_unmapped=unmapped,
        not_storable_total=sum(c.count for c in ns_rows),
        not_storable=ns_rows[:top_n],
    )


def _input(i: InputInfo) -> InputFile:
    size, sha = (i.size, i.sha256) if i.size is not None and i.sha256 else sha256_file(i.path)
    enc = (
        None
        if i.encoding is None
        else EncodingVerdict(encoding=i.encoding, source=i.encoding_source, evidence=i.encoding_evidence)
    )
    return InputFile(
        path=str(i.path),
        file_id=i.file_id or Path(i.path).name,
        role=i.role,
        size=size,
        sha256=sha,
        encoding=enc,
        framing=i.framing,
    )


def _output(o: OutputInfo) -> OutputFile:
    size, sha = (o.size, o.sha256) if o.size is not None and o.sha256 else sha256_file(o.path)
    return OutputFile(
        path=str(o.path), role=o.role, layout_id=o.layout_id, records=o.records, size=size, sha256=sha
    )


def _layout(la: LayoutInfo) -> LayoutRef:
    sha = la.sha256 or (sha256_file(la.path)[1] if la.path is not None else None)
    return LayoutRef(
        id=la.id,
        title_ja=la.title_ja,
        spec_version=la.spec_version,
        path=None if la.path is None else layout_ref_path(la.path),
        sha256=sha,
    )


def layout_ref_path(path: str | Path) -> str:
    """How report.json names a layout file: never an absolute path (it shows where, and who, installed it).

    A shipped layout is ``layout_specs/<file>`` (package-relative); any other is its file name
    (the SHA-256 beside it identifies the content).
    """
    from ..resources import layout_specs_dir

    p = Path(path)
    try:
        return (Path("layout_specs") / p.resolve().relative_to(layout_specs_dir().resolve())).as_posix()
    except (ValueError, FileNotFoundError):
        return p.name


def _accounting(f: FileCounts) -> FileAccounting:
    return FileAccounting(
        file=f.file,
        layout_id=f.layout_id,
        records_read=f.records_read,
        control_records=f.control_records,
        written=f.written,
        rejected=f.rejected,
        rejected_by_reason=dict(f.rejected_by_reason),
        balanced=f.records_read == f.written + f.rejected + f.control_records,
    )


def _reconciliation(t: TrailerCheck) -> Reconciliation:
    d, c = _exact(t.declared), _exact(t.counted)
    return Reconciliation(
        file=t.file,
        kind=t.kind,
        field=t.field,
        label_ja=t.label_ja,
        declared=d,
        counted=c,
        ok=_same_number(d, c),
    )


def build_report(
    findings: FindingSet,
    *,
    files: Sequence[FileCounts],
    inputs: Sequence[InputInfo] = (),
    outputs: Sequence[OutputInfo] = (),
    layouts: Sequence[LayoutInfo] = (),
    trailers: Sequence[TrailerCheck] = (),
    gaiji: GaijiCounts | None = None,
    item_names: ItemNames | None = None,
    thresholds: Thresholds | None = None,
    adapter: tuple[str, str | None] | None = None,
    masking: bool = True,
    extra_options: Mapping[str, str] | None = None,
    title: str | None = None,
    municipality: str | None = None,
    now: datetime | None = None,
    tool_version: str = __version__,
) -> Report:
    """Assemble the report; hashes files whose ``sha256`` is not given; computes the verdict.

    ``masking`` records whether samples in ``findings`` were masked (the FindingSet masks on
    ``add`` unless ``raw=True``). Severity overrides and the sample cap come from ``findings``.
    """
    accounting = sorted((_accounting(f) for f in files), key=lambda a: a.file)
    recon = sorted((_reconciliation(t) for t in trailers), key=lambda r: (r.file, r.kind, r.field))
    rows = finding_rows(findings, item_names)
    g = gaiji_summary(gaiji)
    by_sev = {s: 0 for s in ("error", "warning", "info")}
    for r in rows:
        by_sev[r.severity] += r.count
    totals = Totals(
        records_read=sum(a.records_read for a in accounting),
        control_records=sum(a.control_records for a in accounting),
        written=sum(a.written for a in accounting),
        rejected=sum(a.rejected for a in accounting),
        findings_by_severity=by_sev,
    )
    th = thresholds or Thresholds()
    options = RunOptions(
        severity_overrides=_overrides(findings),
        thresholds=th,
        masking=masking,
        max_samples=findings.max_samples,
        extra=dict(extra_options or {}),
    )
    return Report(
        title=title or Report.model_fields["title"].default,
        municipality=municipality,
        generated_at=generated_at(now),
        tool=ToolInfo(version=tool_version),
        layouts=sorted((_layout(la) for la in layouts), key=lambda la: la.id),
        adapter=None if adapter is None else AdapterRef(id=adapter[0], version=adapter[1]),
        options=options,
        verdict=compute_verdict(totals, accounting, recon, g, th),
        totals=totals,
        inputs=sorted((_input(i) for i in inputs), key=lambda i: (i.role, i.path)),
        outputs=sorted((_output(o) for o in outputs), key=lambda o: (o.role, o.path)),
        accounting=accounting,
        reconciliation=recon,
        findings=rows,
        gaiji=g,
    )
