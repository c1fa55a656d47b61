"""``chukan-layout reconcile``: OLD vs NEW (突合) — keyed differences, 照合表, sign-off report."""

from __future__ import annotations

from pathlib import Path

import click

from ..reconciliation.equivalence import DEFAULT_EQUIVALENCES, VALUE_EQUIVALENCES
from .run_options import allow_outside_option, executor_options


def _keys(values: tuple[str, ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for v in values:
        lid, _, items = v.rpartition("=")
        out[lid or "*"] = [x.strip() for x in items.split(",") if x.strip()]
    return out


@click.command("reconcile")
@click.argument("old", nargs=1, type=click.Path(exists=True, path_type=Path))
@click.argument("new", nargs=1, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: reconcile.json, reconcile.html, differences.csv.")  # fmt: skip
@click.option(
    "--old-adapter",
    default=None,
    help="Read OLD as a vendor export through this adapter (name or YAML path).",
)
@click.option(
    "--new-adapter",
    default=None,
    help="Read NEW as a vendor export through this adapter (name or YAML path).",
)
@click.option("--gaiji-table", "gaiji_tables", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="外字対応表 for the adapter sides (a .tsv in an adapter folder is taken too).")  # fmt: skip
@click.option("--layout", default=None, help="Layout id of every standard CSV file (default: recognised).")
@click.option(
    "--layouts-auto",
    is_flag=True,
    help="Recognise each file's layout by header row or file name (the default).",
)
@click.option("--key", "keys", multiple=True,
              help="Key items instead of the layout's record_key: 'ITEM,ITEM' (every layout) or 'LAYOUT=ITEM,ITEM'.")  # fmt: skip
@click.option("--equivalence", "equivalences", multiple=True, type=click.Choice(VALUE_EQUIVALENCES),
              help=f"Value equivalences to accept and report (default: {', '.join(DEFAULT_EQUIVALENCES)}).")  # fmt: skip
@click.option(
    "--no-equivalences", is_flag=True, help="Accept no value equivalence (every change is a difference)."
)
@click.option("--code-map", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="CSV item,old,new: OLD codes that the NEW system re-maps (an equivalence, reported).")  # fmt: skip
@click.option("--gaiji-evidence", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="gaiji.csv: 外字 degradations recorded per file/record/item/position (an equivalence there only).")  # fmt: skip
@click.option("--totals", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Totals profile YAML (layout id → reconcile: section) instead of the layouts' own 照合表.")  # fmt: skip
@click.option(
    "--unmask", is_flag=True, help="Show raw values in samples and differences.csv (personal data!)."
)
@click.option("-j", "--workers", type=click.IntRange(min=0), default=None,
              help="Worker processes (default: one per core; 1: in this process).")  # fmt: skip
@executor_options
@click.option("--max-samples", type=click.IntRange(min=0), default=20, show_default=True,
              help="Samples per layout × kind × item in the report.")  # fmt: skip
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of standard CSV inputs.")
@allow_outside_option
def reconcile(old: Path, new: Path, out_dir: Path, old_adapter: str | None, new_adapter: str | None,
              gaiji_tables: tuple[Path, ...], layout: str | None, layouts_auto: bool, keys: tuple[str, ...],
              equivalences: tuple[str, ...], no_equivalences: bool, code_map: Path | None, gaiji_evidence: Path | None,
              totals: Path | None, unmask: bool, workers: int | None, executor: str, scheduler: str | None, max_samples: int,
              encoding: str) -> None:  # fmt: skip
    """Compare OLD with NEW (突合): what the new system holds against what the old one held.

    OLD and NEW are folders or files of standard-layout CSV (a convert output folder works:
    its report.json findings are compared too), or vendor exports read through an adapter.
    Exit 0: everything matches within the declared equivalences; 1: differences or a 照合表
    line differs; 2: the run failed.

    \b
    Examples:
      chukan-layout reconcile town/golden town/migrated -o out/reconcile
      chukan-layout reconcile --old-adapter vendor_a town/vendor_a out/ -o out/reconcile
      chukan-layout reconcile rehearsal1/ rehearsal2/ -o out/rehearsal-diff
      chukan-layout reconcile old/ new/ --code-map codes.csv --gaiji-evidence new/gaiji.csv -o out/r
    """
    from ..reconciliation import reconcile as run

    res = run(old, new, out_dir, old_adapter=old_adapter, new_adapter=new_adapter, gaiji_tables=gaiji_tables,
              layout=None if layouts_auto else layout, keys=_keys(keys),
              equivalences=() if no_equivalences else (equivalences or DEFAULT_EQUIVALENCES),
              code_map=code_map, gaiji_evidence=gaiji_evidence, totals=totals, unmask=unmask, workers=workers,
              executor=executor, scheduler=scheduler, max_samples=max_samples, encoding=encoding)  # fmt: skip
    from ..reconciliation.summary import summary_lines

    for line in summary_lines(res.report):
        click.echo(line)
    click.echo(f"report: {res.paths['html']}")
    click.echo(f"differences: {res.paths['csv']}")
    raise SystemExit(res.exit_code)
