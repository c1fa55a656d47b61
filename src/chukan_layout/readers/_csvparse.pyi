from collections.abc import Sequence
from typing import Any

def parse(
    data: Any,
    start: int,
    stop: int,
    final: bool,
    delim: int,
    quote: int,
    offsets: Any,
    columns: Sequence[Any],
    max_record: int,
    /,
) -> tuple[int, int, int] | None: ...
