"""``chukan-layout generate``: a synthetic municipality as golden standard files, vendor exports
(A fixed-width cp932, B CSV cp932, C EBCDIC IBM930), 外字対応表 and a fault manifest."""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from pathlib import Path

import click


@click.command("generate")
@click.option(
    "--vendor",
    "vendors",
    default="all",
    show_default=True,
    help="a, b, c, standard, all, or migrated (the re-export of a new system with migration defects, for reconcile); comma-separated list allowed.",
)
@click.option(
    "--residents",
    "-n",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Number of residents (persons) to generate.",
)
@click.option(
    "--faults",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Chance per record of an injected fault (vendor and standard outputs; golden stays clean).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed → same bytes).")
@click.option(
    "--gaiji-share",
    type=click.FloatRange(0.0, 1.0),
    default=0.02,
    show_default=True,
    help="Share of names and 町字 written with vendor 外字 codes.",
)
@click.option(
    "--mj-list",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="MJ文字情報一覧表 TSV: take 外字 variants (UCS + IVS) from it (read at run time).",
)
@click.option(
    "--municipality",
    default=None,
    help="Real municipality by 団体コード (5/6 digits) or name, e.g. 13122 or 葛飾区 (default: by seed).",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder.",
)
def generate(
    vendors: str,
    residents: int,
    faults: float,
    seed: int,
    gaiji_share: float,
    mj_list: Path | None,
    municipality: str | None,
    out_dir: Path,
) -> None:
    """Generate a synthetic municipality: golden files, vendor exports, 外字 tables, manifest.

    \b
    Examples:
      chukan-layout generate --residents 100000 --vendor all -o out/synth
      chukan-layout generate -n 2000 --vendor a --faults 0.01 --seed 7 -o out/a
      chukan-layout generate -n 5000 --mj-list ../shared/gaiji-data/mji-list.00602.tsv -o out/mj
    """
    from ..synth.generate import generate as run

    show = sys.stderr.isatty() and residents >= 20_000
    bar = click.progressbar(length=residents, label="generating", file=sys.stderr) if show else None
    try:
        with bar if bar is not None else contextlib.nullcontext():
            res = run(
                out_dir,
                vendors=vendors,
                residents=residents,
                faults=faults,
                seed=seed,
                gaiji_share=gaiji_share,
                mj_list=mj_list,
                municipality=municipality,
                progress=bar.update if bar is not None else None,
            )
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    click.echo(f"municipality: {res.municipality}; residents: {res.residents}")
    for rel, n in sorted(res.records.items()):
        click.echo(f"  {rel}: {n} records")
    if res.migrated_manifest is not None:
        mc = Counter(d.kind for d in res.migration_defects)
        click.echo("migration defects: " + (", ".join(f"{k} {v}" for k, v in sorted(mc.items())) or "none"))
    counts = Counter(m.kind for m in res.manifest)
    if counts:
        click.echo("manifest: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    click.echo(f"wrote {out_dir}")
