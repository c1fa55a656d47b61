from collections.abc import Sequence
from typing import Any

def render(
    columns: Sequence[tuple[Any, Any, Any, int]], start: int, stop: int, eol: bytes, /
) -> bytes | None: ...
