"""``chukan-layout report``: re-render report.html / findings.csv from a report.json."""

from __future__ import annotations

from pathlib import Path

import click

from ..report import load_report, write_reports


@click.command("report")
@click.argument("report_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write into (default: the folder of REPORT_JSON).",
)
@click.option(
    "-f",
    "--format",
    "formats",
    type=click.Choice(["html", "csv", "json"]),
    multiple=True,
    default=("html", "csv"),
    show_default=True,
    help="What to write; repeat for several. 'json' rewrites report.json in canonical form.",
)
def report(report_json: Path, out_dir: Path | None, formats: tuple[str, ...]) -> None:
    """Render report.html and findings.csv from REPORT_JSON (the source of truth).

    \b
    Examples:
      chukan-layout report out/report/report.json
      chukan-layout report out/report/report.json -o signed/ -f html
    """
    rep = load_report(report_json)
    written = write_reports(rep, out_dir or report_json.parent, formats=dict.fromkeys(formats))
    for path in written.values():
        click.echo(str(path))
    click.echo(f"verdict: {rep.verdict.label_en} ({rep.verdict.label_ja})")
