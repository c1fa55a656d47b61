"""``chukan-layout convert``: vendor export files → standard-layout CSV files, validated, with a report."""

from __future__ import annotations

import json
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


@click.command("convert")
@click.option(
    "--adapter",
    "-a",
    "adapter",
    required=True,
    metavar="NAME|PATH",
    help="A shipped adapter (vendor_a, vendor_b, vendor_c), a plugin adapter, or an adapter YAML file.",
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
    help="Output folder (standard CSV files, rejects.csv, gaiji.csv, summary.json, the report).",
)
@click.option(
    "--encoding",
    "output_encoding",
    default="utf-8",
    show_default=True,
    type=click.Choice(["utf-8", "cp932"]),
    help="Encoding of the standard CSV files.",
)
@click.option("--input-encoding", default=None, help="Override the adapter's input encoding.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Read only the first N records of each file (a quick trial).",
)
@click.option("--strict", is_flag=True, help="Stop at the first unreadable record instead of rejecting it.")
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check every record against its layout, cross-record checks, trailers, report.",
)
@click.option(
    "--on-error",
    type=click.Choice(["reject", "keep"]),
    default="reject",
    show_default=True,
    help="Records with error findings: to rejects.csv (reject) or written anyway (keep).",
)
@click.option(
    "--gaiji-table",
    "gaiji_tables",
    multiple=True,
    metavar="PATH|NAME",
    help="外字対応表 (TSV/YAML/reviewed CSV; repeat; later ones override). The shipped table named "
    "after the adapter, if any, is always used first.",
)
@click.option(
    "--gaiji-policy",
    "gaiji_policies",
    multiple=True,
    metavar="ITEM=POLICY",
    help="Per-item 外字 policy: map | degrade[:X] | replace | error (ITEM or LAYOUT:ITEM).",
)
@click.option(
    "--gaiji-source-system", default=None, help="Source system id in the 外字 tables (default: adapter)."
)
@click.option(
    "--mj-index/--no-mj-index",
    default=True,
    show_default=True,
    help="Use the cached MJ index (from `gaiji index`) for mj charsets and IVS checks.",
)
@report_options("Verdict: rejected ÷ data records allowed before FAIL (0.001 = 0.1 %).")
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where report.json / report.html / findings.csv go (default: the output folder).",
)
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per core, at most one per partition; inputs under 1 MiB in this process).",
)
@executor_options
@layouts_option
@click.option(
    "--allow-outside",
    "allow_outside",
    multiple=True,
    metavar="PATH",
    type=click.Path(path_type=Path),
    help="Let the adapter read definition / crosswalk files under PATH (default: only its own folder).",
)
@click.option(
    "--redact-rejects",
    is_flag=True,
    help="rejects.csv without raw bytes or values (record, offset, code kept): safe to share with the vendor.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@progress_option
def convert(
    adapter: str, inputs: tuple[Path, ...], out_dir: Path, output_encoding: str, input_encoding: str | None,
    limit: int | None, strict: bool, validate: bool, on_error: str, gaiji_tables: tuple[str, ...],
    gaiji_policies: tuple[str, ...], gaiji_source_system: str | None, mj_index: bool, severities: tuple[str, ...],
    max_errors: int, max_reject_rate: float, raw_values: bool, max_samples: int, report_dir: Path | None,
    workers: int | None, executor: str, scheduler: str | None, layouts_dir: tuple[Path, ...],
    allow_outside: tuple[Path, ...], redact_rejects: bool, as_json: bool,
    progress: bool | None,
) -> None:  # fmt: skip
    """Convert vendor export files into the standard layouts, validating as it converts.

    \b
    Writes one CSV per layout (UTF-8, CRLF, header of 項目名称, RFC 4180), rejects.csv
    (every record that did not convert or has an error finding, with its raw bytes or
    converted values and the reasons), gaiji.csv (every 外字 occurrence: original code,
    result, status), summary.json, and the sign-off report (report.json, report.html,
    findings.csv). Outputs appear only when the run succeeds. Exit code: 0 pass, 1 the
    verdict is FAIL (error findings or rejects beyond the thresholds), 2 the run failed.

    \b
    Examples:
      chukan-layout convert --adapter vendor_a JUMIN.DAT SETAI.DAT -o out/
      chukan-layout convert -a vendor_a *.DAT --gaiji-table GAIJI_A.tsv -o out/ --workers 2
      chukan-layout convert -a my_vendor.yaml --limit 100 EXPORT.DAT -o trial/ --on-error keep
      chukan-layout convert -a vendor_b jumin.csv -o out/ --severity item.pattern=warning --max-errors 10
    """
    from ..input_hashes import ForkedHashes

    # the inputs' SHA-256 for the report, in a child on the other core while this process imports
    # and loads the adapter (≈ 0.5 s on one core), not beside the workers (issue 15); a Dask run's
    # workers hash them, and a run without the report needs none
    with ForkedHashes(inputs if validate and executor == "processes" else ()) as hashes:
        from ..adapt.confine import allow_outside as allow
        from ..gaiji.policy import parse_policy_options
        from ..pipeline import convert as run

        allow(allow_outside)
        from ..pipeline.options import ConvertOptions

        policies = {k: str(v) for k, v in parse_policy_options(list(gaiji_policies)).items()}
        opts = ConvertOptions(
            encoding=input_encoding, output_encoding=output_encoding, limit=limit, policy="strict" if strict else "reject",
            validate=validate, on_error=on_error, gaiji_tables=gaiji_tables, gaiji_policies=policies,
            gaiji_source_system=gaiji_source_system, mj_index=mj_index, report_dir=report_dir, workers=workers,
            executor=executor, scheduler=scheduler, redact_rejects=redact_rejects,
            layouts_dir=layouts_dir, **report_settings(severities, max_errors, max_reject_rate, raw_values, max_samples),
        )  # fmt: skip
        total = sum(p.stat().st_size for p in inputs)
        with ProgressBar(total, "converting", progress) as bar:
            result = run(adapter, list(inputs), out_dir, opts, progress=bar.update, hashes=hashes)
    summary = result.to_dict()
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    elif result.report is not None:
        click.echo(f"adapter {result.adapter}: {len(result.files)} file(s) → {out_dir}")
        for o in result.outputs.values():
            click.echo(f"  → {Path(o.path).name}: {o.records} records ({o.layout})")
        if result.rejects:
            click.echo(f"  rejects: {result.rejects} record(s) in {result.rejects_path}")
        echo_report(result.report, result.report_paths)
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
    sys.exit(EXIT_FINDINGS if result.exit_code else EXIT_OK)
