"""README's exit codes hold for every error path: the whole error tree, OS errors, Ctrl-C, bugs (issue 14)."""

from __future__ import annotations

import errno
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import chukan_layout
from chukan_layout import errors
from chukan_layout.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def _tree() -> Iterator[type[errors.ChukanError]]:
    for m in pkgutil.walk_packages(chukan_layout.__path__, "chukan_layout."):
        if m.name not in ("chukan_layout.demo", "chukan_layout.__main__"):
            importlib.import_module(m.name)
    todo: list[type[errors.ChukanError]] = [errors.ChukanError]
    while todo:
        c = todo.pop()
        yield c
        todo.extend(c.__subclasses__())


def _instance(cls: type[errors.ChukanError]) -> errors.ChukanError:
    params = [p for p in inspect.signature(cls.__init__).parameters.values()
              if p.name != "self" and p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]  # fmt: skip
    return cls(*[f"arg{i} 山田\x1b[31m" for i in range(len(params))] or ["boom 山田\x1b[31m"])


def _invoke(exc: BaseException) -> click.testing.Result:
    @click.command("raise-it")
    def raise_it() -> None:
        raise exc

    main.add_command(raise_it)
    try:
        return CliRunner().invoke(main, ["raise-it"])
    finally:
        main.commands.pop("raise-it")


def test_readme_states_the_exit_codes_the_code_uses() -> None:
    text = " ".join(README.read_text("utf-8").split())
    m = re.search(r"Exit codes: 0 (.+?), 1 (.+?), 2 (.+?)\.", text, re.S)
    assert m, "README has an 'Exit codes: 0 …, 1 …, 2 …' sentence"
    assert "pass" in m.group(1) and "FAIL" in m.group(2) and "run failure" in m.group(3)
    assert (errors.EXIT_OK, errors.EXIT_FINDINGS, errors.EXIT_FAILURE) == (0, 1, 2)


@pytest.mark.parametrize("cls", sorted(set(_tree()), key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_every_error_of_the_tree_exits_2_with_one_line(cls: type[errors.ChukanError]) -> None:
    r = _invoke(_instance(cls))
    assert r.exit_code == cls.exit_code == errors.EXIT_FAILURE, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.output
    assert "Traceback" not in r.output and "\x1b" not in r.output  # no raw control characters either


@pytest.mark.parametrize(("exc", "expected"), [
    (PermissionError(errno.EACCES, "Permission denied", "/out/juki_jumin.csv"), "error: /out/juki_jumin.csv: Permission denied"),
    (OSError(errno.ENOSPC, "No space left on device", "/out/.x.part-1"), "No space left on device"),
    (OSError(errno.ELOOP, "Too many levels of symbolic links", "/out/loop"), "/out/loop: Too many levels"),
    (OSError(errno.EFBIG, "File too large"), "error: File too large"),
    (KeyboardInterrupt(), "error: interrupted: nothing of this run was published"),
    (RuntimeError("a bug"), "error: internal error (RuntimeError: a bug); please report it"),
])  # fmt: skip
def test_os_errors_interrupts_and_bugs_exit_2_with_one_line(exc: BaseException, expected: str) -> None:
    r = _invoke(exc)
    assert r.exit_code == errors.EXIT_FAILURE, r.output
    assert expected in r.output and "Traceback" not in r.output
    assert len([ln for ln in r.output.splitlines() if ln.strip()]) == 1


def test_errors_cross_process_boundaries_intact() -> None:
    import pickle

    for cls in set(_tree()):
        e = _instance(cls)
        assert str(pickle.loads(pickle.dumps(e))) == str(e), cls.__name__
