"""``chukan-layout convert``: vendor export files → standard-layout CSV files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS, EXIT_OK


@click.command("convert")
@click.option("--adapter", "-a", "adapter", required=True, metavar="NAME|PATH",
              help="A shipped adapter (vendor_a, vendor_b, vendor_c), a plugin adapter, or an adapter YAML file.")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (standard CSV files, rejects.csv, summary.json).")
@click.option("--encoding", "output_encoding", default="utf-8", show_default=True,
              type=click.Choice(["utf-8", "cp932"]), help="Encoding of the standard CSV files.")
@click.option("--input-encoding", default=None, help="Override the adapter's input encoding.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Read only the first N records of each file (a quick trial).")
@click.option("--strict", is_flag=True, help="Stop at the first unreadable record instead of rejecting it.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a TTY).")
def convert(
    adapter: str, inputs: tuple[Path, ...], out_dir: Path, output_encoding: str, input_encoding: str | None,
    limit: int | None, strict: bool, as_json: bool, progress: bool | None,
) -> None:  # fmt: skip
    """Convert vendor export files into the standard layouts.

    \b
    Writes one CSV per layout (UTF-8, CRLF, header of 項目名称, RFC 4180), rejects.csv
    (every record that did not convert, with its raw bytes and the reason) and summary.json
    (records in / out / rejected per file). Outputs appear only when the run succeeds.

    \b
    Examples:
      chukan-layout convert --adapter vendor_a JUMIN.DAT SETAI.DAT -o out/
      chukan-layout convert --adapter my_vendor.yaml --limit 100 EXPORT.DAT -o trial/
      chukan-layout convert -a vendor_b jumin.csv -o out/ --encoding cp932
    """
    from ..pipeline import convert as run

    show = sys.stderr.isatty() if progress is None else progress
    total = sum(p.stat().st_size for p in inputs)
    with click.progressbar(length=total, label="converting", file=sys.stderr, show_pos=False) if show else _Null() as bar:
        result = run(adapter, list(inputs), out_dir, encoding=input_encoding, output_encoding=output_encoding,
                     limit=limit, policy="strict" if strict else "reject", progress=bar.update)  # fmt: skip
    summary = result.to_dict()
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(f"adapter {result.adapter}: {len(result.files)} file(s) → {out_dir}")
        click.echo(f"  {'file':<24} {'in':>9} {'out':>9} {'rejected':>9} {'control':>8}")
        for f in result.files:
            click.echo(f"  {f.file:<24} {f.records_in:>9} {f.records_out:>9} {f.rejected:>9} {f.control:>8}")
        for o in result.outputs.values():
            click.echo(f"  → {Path(o.path).name}: {o.records} records ({o.layout})")
        if result.rejects:
            click.echo(f"  rejects: {result.rejects} record(s) in {result.rejects_path}")
        for r in result.findings.rows():
            click.echo(f"  finding {r['code']} [{r['severity']}] {r['file']} {r['item']}: {r['count']}")
    sys.exit(EXIT_FINDINGS if result.findings.has_errors() or result.rejects else EXIT_OK)


class _Null:
    def __enter__(self) -> _Null:
        return self

    def __exit__(self, *a: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None
