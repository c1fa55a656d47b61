"""Packages that are also the library function of the same name.

``chukan_layout.read(...)`` and ``chukan_layout.validate(...)`` are library entry points,
but ``read`` and ``validate`` are also subpackages: importing one sets the attribute
``chukan_layout.read`` to the package, hiding the function. Making the package module
callable keeps both meanings (``import chukan_layout.read`` and ``chukan_layout.read(...)``).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


def make_callable(module_name: str, target: Callable[[], Callable[..., Any]]) -> None:
    """Make the module ``module_name`` call ``target()(*args, **kwargs)`` when called.

    ``target`` is resolved at call time, so the package need not import its function eagerly.
    """

    class _CallablePackage(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return target()(*args, **kwargs)

    sys.modules[module_name].__class__ = _CallablePackage
