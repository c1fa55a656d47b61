"""A convert run's options, resolved once in the parent: the run's findings with their severity
overrides (:func:`run_findings`), the options as the workers apply them (:func:`worker_options`),
and the run's settings the report lists beside its options (:func:`report_extra`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from ..adapt.loader import Adapter
from ..errors import OptionsError
from ..findings import FindingSet, check_rule_names
from .options import ConvertOptions


def run_findings(ad: Adapter, opts: ConvertOptions, findings: FindingSet | None) -> FindingSet:
    """The run's findings (the caller's ``findings``, else new ones) with the severity overrides:
    the adapter's, then the options', which win; ``rule:<id>`` overrides checked."""
    fs = findings if findings is not None else FindingSet(max_samples=opts.max_samples)
    fs.set_overrides(ad.rule_levels, ad.rule_reasons)  # the adapter's rules: section …
    fs.set_overrides(opts.severity_overrides)  # … then the command line, which wins
    _check_rules(fs, ad)
    return fs


def _check_rules(fs: FindingSet, ad: Adapter) -> None:
    """``rule:<id>`` overrides name row rules of the adapter's target layouts."""
    known = [r.id for t in ad.targets for r in t.layout.rules]
    try:
        check_rule_names([*fs.severity_overrides, *fs.disabled], known)
    except ValueError as e:
        raise OptionsError(f"--severity: {e}") from None


def worker_options(opts: ConvertOptions, fs: FindingSet, tables: Sequence[Path]) -> ConvertOptions:
    """The options as the workers apply them: the 外字 tables resolved (``tables``), nothing to
    reject → keep, the findings' samples and overrides as ``fs`` has them."""
    do_gaiji = opts.runs_gaiji
    return opts.replace(gaiji=do_gaiji, gaiji_tables=tuple(str(t) for t in tables),
                        on_error=opts.on_error if opts.validate or do_gaiji else "keep",
                        max_samples=fs.max_samples,
                        severity_overrides={**{k: str(v) for k, v in fs.severity_overrides.items()},
                                            **dict.fromkeys(fs.disabled, "off")})  # fmt: skip


def report_extra(opts: ConvertOptions, tables: Sequence[Path], notes: Mapping[str, str]) -> dict[str, str]:
    """The run's settings in the report's options: error handling, output encoding, 外字 tables
    and policies, the trial limit, and the plan's ``notes`` on how files were split (if any)."""
    return {"on_error": opts.on_error, "output_encoding": opts.output_encoding,
            "gaiji_tables": ", ".join(Path(t).name for t in tables) or "-",
            "gaiji_policies": ", ".join(f"{k}={v}" for k, v in sorted(opts.gaiji_policies.items())) or "-",
            "limit": str(opts.limit) if opts.limit else "-",
            **({"partitions": "; ".join(f"{k}: {v}" for k, v in sorted(notes.items()))} if notes else {})}  # fmt: skip
