"""``chukan-layout validate``: check standard-layout CSV files someone else produced; write the report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS, EXIT_OK
from .run_options import (
    ProgressBar,
    echo_report,
    executor_options,
    layouts_option,
    progress_option,
    report_options,
    report_settings,
)


@click.command("validate")
@click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--layout",
    "-l",
    "layout_id",
    default=None,
    metavar="ID",
    help="Layout of every input (e.g. juki.jumin); see `chukan-layout specs list`.",
)
@click.option(
    "--layouts-auto",
    is_flag=True,
    help="Recognise each file's layout from its header row of 項目名称 or its file name.",
)
@click.option(
    "-o",
    "--out",
    "--report-dir",
    "out_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Report folder (report.json, report.html, findings.csv). Default: ./report",
)
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    type=click.Choice(["utf-8", "cp932"]),
    help="Encoding of the input files.",
)
@report_options("Verdict: share of records with error findings allowed before FAIL.")
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per core, at most one per partition; inputs under 1 MiB in this process).",
)
@executor_options
@layouts_option
@progress_option
def validate(
    inputs: tuple[Path, ...], layout_id: str | None, layouts_auto: bool, out_dir: Path | None, encoding: str,
    severities: tuple[str, ...], max_errors: int, max_reject_rate: float, raw_values: bool, max_samples: int,
    workers: int | None, executor: str, scheduler: str | None, layouts_dir: tuple[Path, ...],
    progress: bool | None,
) -> None:  # fmt: skip
    """Validate standard-layout CSV files (e.g. the new vendor's import files) and write the report.

    \b
    Every record is checked against its layout (required, lengths, charsets, codes, dates,
    check digits, patterns, row rules); record keys must be unique and references between
    the given files must resolve. Record numbers are data rows (the header row is not
    counted). Nothing is written but the report. Exit code: 0 pass, 1 FAIL, 2 run failure.

    \b
    Examples:
      chukan-layout validate --layout juki.jumin out/juki_jumin.csv -o report/
      chukan-layout validate --layouts-auto out/*.csv -o report/
      chukan-layout validate --layouts-auto --encoding cp932 import/*.csv --severity item.charset=warning
    """
    if layout_id is None and not layouts_auto:
        raise click.UsageError("give --layout ID or --layouts-auto")
    from ..input_hashes import ForkedHashes

    # the inputs' SHA-256 for the report, in a child on the other core while this process imports
    # (≈ 0.4 s on one core): the split scan beside the workers then only splits (issue 15)
    with ForkedHashes(inputs) as hashes:
        from ..pipeline.options import ValidateOptions
        from ..pipeline.standard import validate_files

        opts = ValidateOptions(
            layout=layout_id, layouts_auto=layouts_auto, report_dir=out_dir or Path("report"), encoding=encoding,
            workers=workers, executor=executor, scheduler=scheduler,
            layouts_dir=layouts_dir, **report_settings(severities, max_errors, max_reject_rate, raw_values, max_samples),
        )  # fmt: skip
        total = sum(p.stat().st_size for p in inputs)
        with ProgressBar(total, "validating", progress) as bar:
            res = validate_files(list(inputs), opts, progress=bar.update, hashes=hashes)
    click.echo(
        f"validated {len(res.files)} file(s) ({', '.join(sorted({f.layout_id or '' for f in res.files}))})"
    )
    echo_report(res.report, res.report_paths)
    sys.exit(EXIT_FINDINGS if res.exit_code else EXIT_OK)
