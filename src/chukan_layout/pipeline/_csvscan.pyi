from typing import Any

def block(
    data: Any, n: int, quote: int, delim: int, parity: int, prev: int, after: int, ends: Any, /
) -> tuple[int, int, int, int, int]: ...
