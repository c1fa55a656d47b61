"""The library API of ``import chukan_layout``: five lazy functions, a pinned ``__all__``.

No function shares its name with a subpackage (readers/, validation/), so the names stay the
functions whichever subpackage was imported first.
"""

from __future__ import annotations

import subprocess
import sys

import chukan_layout as cl


def test_all_is_pinned() -> None:
    assert cl.__all__ == [
        "__version__",
        "convert",
        "list_layouts",
        "load_layout",
        "read",
        "reconcile",
        "validate",
    ]


def test_names_resolve_to_the_documented_functions() -> None:
    from chukan_layout import pipeline
    from chukan_layout.spec import registry

    assert cl.load_layout is registry.load_layout
    assert cl.list_layouts is registry.list_layouts
    assert cl.convert is pipeline.convert
    assert cl.validate is pipeline.validate
    from chukan_layout import reconciliation

    assert cl.reconcile is reconciliation.reconcile
    assert cl.load_layout("juki.jumin").spec.id == "juki.jumin"


_READ = (
    "import chukan_layout as cl\n"
    "from chukan_layout.readers.definition import CsvDefinition\n"  # imports the readers subpackage first
    "import chukan_layout.validation\n"
    "d = CsvDefinition(encoding='utf-8')\n"
    "batches = list(cl.read(b'shimei\\r\\n\\xe9\\xab\\x99\\xe6\\xa9\\x8b\\r\\n', d))\n"
    "print(batches[0].column('shimei').to_pylist())\n"
    "import types; assert not isinstance(cl.validate, types.ModuleType)\n"
)


def test_read_is_callable_after_the_read_subpackage_is_imported() -> None:
    out = subprocess.run([sys.executable, "-c", _READ], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['髙橋']"


def test_import_is_cheap_and_unknown_names_fail() -> None:
    code = (
        "import sys, chukan_layout as cl\n"
        "assert 'pyarrow' not in sys.modules and 'chukan_layout.pipeline' not in sys.modules\n"
        "assert callable(cl.read) and callable(cl.validate)\n"  # first access: the functions themselves
        "try:\n    cl.no_such_thing\nexcept AttributeError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "no attribute 'no_such_thing'" in out
