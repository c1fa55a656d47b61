"""Import every built-in transform module (registration happens at import)."""

from . import coding, dates, people, reverse, text, width  # noqa: F401
