"""Options and output shared by the commands that check records and write the sign-off report.

``convert`` and ``validate`` take the same verdict / finding options (:func:`report_options`,
:data:`progress_option`, :data:`layouts_option`), turn them into the fields of the run's one
options object the same way (:func:`report_settings`) and print the same accounting and
verdict lines (:func:`echo_report`). The options object itself (``ConvertOptions`` /
``ValidateOptions``) is built once, by the command, and holds the defaults the library shares.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from ..report import Report, Thresholds

_F = TypeVar("_F", bound=Callable[..., Any])

progress_option = click.option(
    "--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a TTY)."
)


def _allow_outside(ctx: click.Context, param: click.Parameter, value: tuple[Path, ...]) -> None:
    if value:  # before the command body loads any adapter / profile
        from ..adapt.confine import allow_outside

        allow_outside(value)


# every command that loads an adapter or an export profile (issue 14 point 6); convert has its own
allow_outside_option = click.option(
    "--allow-outside",
    multiple=True,
    metavar="PATH",
    type=click.Path(path_type=Path),
    expose_value=False,
    callback=_allow_outside,
    help="Let the adapter / profile read definition / crosswalk files under PATH (default: only its own folder).",
)


def report_options(reject_rate_help: str) -> Callable[[_F], _F]:
    """Decorator: ``--severity``, ``--max-errors``, ``--max-reject-rate``, ``--raw-values``, ``--max-samples``.

    ``reject_rate_help`` says what the command's reject rate counts (it differs per command).
    """
    options = [
        click.option("--severity", "severities", multiple=True, metavar="CODE=LEVEL",
                     help="Override a finding code's severity (error | warning | info), or one row rule's with "
                          "rule:NAME=LEVEL (also off); repeatable."),
        click.option("--max-errors", type=click.IntRange(min=0), default=0, show_default=True,
                     help="Verdict: error findings allowed before FAIL."),
        click.option("--max-reject-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True,
                     help=reject_rate_help),
        click.option("--raw-values", is_flag=True, help="Unmasked sample values in the report (personal data!)."),
        click.option("--max-samples", type=click.IntRange(min=0), default=20, show_default=True,
                     help="Samples kept per finding (code × file × item)."),
    ]  # fmt: skip

    def apply(f: _F) -> _F:
        for option in reversed(options):  # innermost first: --help lists them in the order above
            f = option(f)
        return f

    return apply


def report_settings(
    severities: tuple[str, ...], max_errors: int, max_reject_rate: float, raw_values: bool, max_samples: int
) -> dict[str, Any]:
    """The run options (:class:`~chukan_layout.pipeline.options.RunOptions` fields) of :func:`report_options`."""
    return {"severity_overrides": parse_severities(severities), "thresholds": thresholds_of(max_errors, max_reject_rate),
            "raw_values": raw_values, "max_samples": max_samples}  # fmt: skip


def executor_options(f: _F) -> _F:
    """Decorator: ``--executor processes|dask`` and ``--scheduler ADDRESS`` (options ``executor``, ``scheduler``)."""
    f = click.option("--scheduler", default=None, metavar="ADDRESS",
                     help="A running dask.distributed scheduler (tcp://host:8786) for --executor dask; "
                          "without it a LocalCluster of --workers processes is started. Inputs and outputs "
                          "must be on a filesystem every worker can read and write.")(f)  # fmt: skip
    return click.option("--executor", type=click.Choice(["processes", "dask"]), default="processes",
                        show_default=True, help="Where partitions run: local worker processes, or Dask "
                        "(needs the dask extra).")(f)  # fmt: skip


layouts_option = click.option(
    "--layouts",
    "layouts_dir",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of your own layouts (*.yaml + codes/), searched before the shipped ones. Repeatable.",
)


def parse_severities(options: tuple[str, ...]) -> dict[str, str]:
    """``--severity CODE=LEVEL`` / ``rule:NAME=LEVEL`` options → ``{key: level}`` (checked)."""
    from ..findings import check_override

    out: dict[str, str] = {}
    for opt in options:
        code, sep, level = opt.partition("=")
        if not sep:
            raise click.BadParameter(f"expected CODE=LEVEL (e.g. item.pattern=warning), got {opt!r}")
        try:
            out[code.strip()] = check_override(code.strip(), level)
        except (KeyError, ValueError) as e:
            raise click.BadParameter(str(e).strip("'\"")) from None
    return out


def thresholds_of(max_errors: int | None, max_reject_rate: float) -> Thresholds:
    """The verdict thresholds of ``--max-errors`` / ``--max-reject-rate``."""
    from ..report import Thresholds

    return Thresholds(max_error_findings=max_errors, max_reject_rate=max_reject_rate)


class ProgressBar:
    """A click progress bar on stderr when it is a TTY (or forced); a no-op otherwise."""

    def __init__(self, total: int, label: str, show: bool | None) -> None:
        self.show = sys.stderr.isatty() if show is None else show
        self._bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr, show_pos=False) \
            if self.show else None  # fmt: skip

    def __enter__(self) -> ProgressBar:
        if self._bar is not None:
            self._bar.__enter__()
        return self

    def __exit__(self, *a: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*a)

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)


def echo_report(report: Report, report_paths: dict[str, Path]) -> None:
    """Per-file accounting and the verdict (English lines, Japanese labels)."""
    click.echo(
        f"  {'file':<26} {'read 読込':>10} {'written 出力':>12} {'rejected 不備':>13} {'control 制御':>12}  balanced"
    )
    for a in report.accounting:
        click.echo(f"  {a.file:<26} {a.records_read:>10} {a.written:>12} {a.rejected:>13} {a.control_records:>12}  "
                   f"{'yes' if a.balanced else 'NO'}")  # fmt: skip
    for r in report.reconciliation:
        click.echo(f"  trailer {r.file} {r.field}: declared {r.declared}, counted {r.counted} "
                   f"({'ok' if r.ok else 'MISMATCH'})")  # fmt: skip
    rows = sorted(
        report.findings, key=lambda f: ({"error": 0, "warning": 1}.get(f.severity, 2), -f.count, f.code)
    )
    for f in rows[:20]:
        click.echo(f"  finding {f.code} [{f.severity}] {f.file} {f.item}{' ' + f.item_name if f.item_name else ''}: "
                   f"{f.count}")  # fmt: skip
    if len(rows) > 20:
        click.echo(f"  … {len(rows) - 20} more finding line(s) in the report")
    sev = report.totals.findings_by_severity
    click.echo(
        f"  findings: {sev.get('error', 0)} error, {sev.get('warning', 0)} warning, {sev.get('info', 0)} info"
    )
    if "html" in report_paths:
        click.echo(f"  report: {report_paths['html']}")
    click.echo(f"verdict 判定: {report.verdict.label_ja} / {report.verdict.label_en}")
