"""pyarrow's own imports of pandas, refused while a run goes on (the CLI's commands, the library's ``convert``)."""

from __future__ import annotations

import dis
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_IMPORT_NAME = dis.opmap["IMPORT_NAME"]
_PROBING = ("chukan_layout", "pyarrow")  # the modules whose calls may make pyarrow look for pandas


class PandasProbes:
    """While a command runs: pyarrow's own probes for pandas find none; a Python ``import pandas`` does.

    pyarrow imports an installed pandas the first time it converts a numpy array or a Python
    value (``pa.array``, ``pa.scalar``, ``pc.add(x, 1)``), only to recognise pandas objects —
    ≈ 0.2 s of CPU in the serial start of every ``convert`` (the parent imported it before the
    pool forks; issue 15). A command hands pyarrow no pandas objects, so this finder refuses
    the imports that come from no Python import statement in this package's or pyarrow's code
    (pyarrow's Cython and C++ probes: the frame below the import machinery is at a call, not at
    ``IMPORT_NAME``); ``import pandas``, ``from pandas import …`` there, and any import of it by
    other code (a plugin, ``importlib.import_module``, ``__import__``) import it as usual; once
    imported, pyarrow finds it in ``sys.modules``. (Checked on CPython 3.11–3.13.)
    """

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name != "pandas":
            return None
        f: FrameType | None = sys._getframe(1)
        while f is not None and f.f_code.co_filename.startswith("<frozen importlib"):
            f = f.f_back
        # only a call made by this package's or pyarrow's Python code (pa.array, pa.scalar, a
        # pyarrow.compute wrapper) that is not an import statement: any other code (a plugin's
        # ``__import__("pandas")``, importlib) imports pandas as usual
        if f is None or not str(f.f_globals.get("__name__", "")).startswith(_PROBING):
            return None
        code = f.f_code.co_code
        if 0 <= f.f_lasti < len(code) and code[f.f_lasti] == _IMPORT_NAME:
            return None
        raise ModuleNotFoundError("pandas is not looked up by pyarrow during a command", name=name)


@contextmanager
def pandas_unprobed() -> Iterator[None]:
    """:class:`PandasProbes` on ``sys.meta_path`` while the block runs (removed after it). A later
    ``to_pandas()`` still finds pandas: pyarrow imports it again when it needs it."""
    hide = PandasProbes()
    sys.meta_path.insert(0, hide)
    try:
        yield
    finally:
        if hide in sys.meta_path:
            sys.meta_path.remove(hide)
