"""``chukan-layout export``: standard-layout files → a vendor's import format (the way back)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS, EXIT_OK
from .run_options import allow_outside_option, echo_report


@click.command("export")
@click.option(
    "--profile",
    "-p",
    required=True,
    metavar="NAME|PATH",
    help="An export profile YAML, a shipped profile, or a reversible adapter (vendor_a, vendor_b, vendor_c).",
)
@click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (vendor files, unencodable.csv, rejects.csv, the report).",
)
@click.option(
    "--gaiji-table",
    "gaiji_tables",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="外字対応表 read backwards: UCS (+IVS) → the vendor's code (repeat).",
)
@click.option(
    "--gaiji-evidence",
    "gaiji_evidence",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="convert's gaiji.csv: restore a vendor 外字 code exactly where the original had one (repeat).",
)
@click.option(
    "--unencodable",
    type=click.Choice(["error", "replace"]),
    default=None,
    help="A character the target encoding cannot carry: reject the record (error, the default) or "
    "write --substitute.",
)
@click.option(
    "--substitute", default=None, metavar="CHAR", help="The substitute for --unencodable replace (e.g. 〓)."
)
@click.option("--workers", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes (one output file each).")  # fmt: skip
@click.option("--raw-values", is_flag=True, help="Show unmasked values in report samples.")
@allow_outside_option
def export(
    profile: str, inputs: tuple[Path, ...], out_dir: Path, gaiji_tables: tuple[str, ...],
    gaiji_evidence: tuple[str, ...], unencodable: str | None,
    substitute: str | None, workers: int, raw_values: bool,
) -> None:  # fmt: skip
    """Export standard-layout CSV files to a vendor's import format.

    \b
    Each input's layout is recognised from its header row. Writes the vendor files (atomically),
    unencodable.csv (every character the target cannot carry: rejected or replaced, never '?'),
    rejects.csv, and the report (report.json, report.html, findings.csv) with the export's
    verdict. Exit code: 0 pass, 1 the verdict is FAIL, 2 the run failed.

    \b
    Examples:
      chukan-layout export --profile vendor_a out/*.csv --gaiji-table GAIJI_A.tsv -o import/
      chukan-layout export -p my_profile.yaml out/juki_jumin.csv -o import/ --unencodable replace --substitute 〓
    """
    from ..exporter import export as run

    result = run(profile, list(inputs), out_dir, gaiji_tables=list(gaiji_tables), gaiji_evidence=list(gaiji_evidence), unencodable=unencodable,
                 substitute=substitute, workers=workers, raw_values=raw_values)  # fmt: skip
    click.echo(f"profile {profile}: {len(inputs)} standard file(s) → {out_dir}")
    for o in result.report.outputs:
        click.echo(f"  → {Path(o.path).name}: {o.records} records")
    for note in result.plan_notes[:10]:
        click.echo(f"  note: {note}")
    echo_report(result.report, result.report_paths)
    sys.exit(EXIT_FINDINGS if result.exit_code else EXIT_OK)
