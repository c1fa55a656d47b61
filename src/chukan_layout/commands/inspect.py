"""``chukan-layout inspect FILE``: what is this legacy file? (encoding, framing, first records)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..errors import DefinitionError


def _load_definition(path: str) -> Any:
    import yaml
    from pydantic import TypeAdapter, ValidationError

    from ..readers.definition import RecordDefinition
    from ..yaml_guard import yaml_problem

    try:
        text = Path(path).read_text(encoding="utf-8")
        bad = yaml_problem(text)
        if bad is not None:
            raise DefinitionError(bad[1], str(path), bad[0])
        raw = yaml.safe_load(text)
        if isinstance(raw, dict) and "definition" in raw:  # an adapter file with an embedded definition
            raw = raw["definition"]
        return TypeAdapter(RecordDefinition).validate_python(raw)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as e:
        raise DefinitionError(
            str(e).splitlines()[0] if not isinstance(e, ValidationError) else str(e), path
        ) from None


def _text(report: dict[str, Any]) -> str:
    d = report["detection"]
    out = [
        f"file: {report['file']} ({report['size']:,} bytes)",
        f"encoding: {report['encoding'] or 'unknown'} ({report['encoding_source']})"
        + (f"  BOM {report['bom']}" if report["bom"] else ""),
    ]
    checked = "whole file" if d["complete"] else "first bytes"
    out.append(f"  checked {d['bytes_checked']:,} bytes ({checked}); note: {d['note'] or '-'}")
    for c in d["candidates"]:
        out.append(
            f"  candidate {c['encoding']}: "
            + ("decodes" if c["ok"] else f"fails at byte {c['error_offset']} ({c['reason']})")
        )
    if d["chardet_hint"]:
        out.append(f"  chardet hint: {d['chardet_hint']['encoding']} ({d['chardet_hint']['confidence']})")
    if d.get("ambiguous"):
        out.append(f"  ambiguous: {' or '.join(d['ambiguous'])} (scores {d['scores']})")
        for enc, text in d["previews"].items():
            out.append(f"    as {enc}: {text}")
    if d["counts"]:
        out.append("  counts: " + ", ".join(f"{k}={v}" for k, v in d["counts"].items()))
    le = report["line_endings"]
    out.append(f"line endings: CRLF {le['crlf']}, LF {le['lf']}, CR {le['cr']}")
    fr = report["framing"]
    out.append(f"framing: {fr['kind']}" + (f" (in {fr['unit']})" if fr.get("unit") else ""))
    if fr.get("fixed_length_guess"):
        out.append(
            f"  fixed-width record length guess: {fr['fixed_length_guess']} "
            f"{'code units' if fr.get('unit') else 'bytes'} + {fr['kind'].upper()}"
        )
    for c in fr.get("length_candidates", []):
        out.append(
            f"  record length candidate: {c['length']} bytes × {c['records']:,} records (score {c['score']})"
        )
    if fr.get("records_chained"):
        out.append(f"  {fr['records_chained']} records chain through their RDWs")
    if report.get("csv"):
        c = report["csv"]
        out.append(
            f"CSV dialect: delimiter {c['delimiter']!r}, {c['fields']} fields "
            f"({c['consistent_share']:.0%} of lines), header: {c['header']}, quoted: {c['quoted']}"
        )
    if report["record_type_histogram"]:
        out.append(
            "record-type byte (byte 1): "
            + ", ".join(f"{k}×{v}" for k, v in report["record_type_histogram"].items())
        )
    out.append("first records:")
    for r in report["first_records"]:
        unit = "code units" if report["framing"].get("unit") else "bytes"
        out.append(f"  #{r['record']} ({r['length']} {unit}): {r.get('text')!r}")
        for key in (k for k in r if k.startswith("text_")):
            out.append(f"     as {key[5:]}: {r[key]!r}")
        out.append(f"     hex: {r['hex']}")
    if "decoded" in report:
        out.append("with the definition:")
        for row in report["decoded"]["records"]:
            out.append("  " + json.dumps(row, ensure_ascii=False))
        for rj in report["decoded"]["rejects"]:
            out.append(f"  reject record {rj['record']} @ {rj['offset']}: {rj['code']}: {rj['reason']}")
    return "\n".join(out)


@click.command("inspect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--encoding", default=None, help="Use this encoding instead of detecting it (explicit always wins)."
)
@click.option(
    "--definition",
    "definition_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A record definition (YAML) to decode the first records field by field.",
)
@click.option("--records", default=5, show_default=True, help="How many first records to show.")
def inspect(
    file: str, as_json: bool, encoding: str | None, definition_path: str | None, records: int
) -> None:
    """Inspect a legacy export: encoding verdict with evidence, BOM, line endings, framing and
    record-length guess, CSV dialect, 外字/PUA counts, the first records decoded and in hex.

    \b
    Examples:
      chukan-layout inspect JUMIN.DAT
      chukan-layout inspect --json KOJIN.CSV
      chukan-layout inspect --definition vendor_a.yaml --encoding ibm930 HOST.DAT
    """
    from ..readers.probe import inspect_file

    definition = _load_definition(definition_path) if definition_path else None
    try:
        report = inspect_file(file, encoding=encoding, records=records, definition=definition)
    except LookupError as e:
        raise click.BadParameter(str(e).strip("'\""), param_hint="--encoding") from None
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(_text(report))
