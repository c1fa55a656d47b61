"""Import every built-in transform module (registration happens at import)."""

from . import coding, dates, people, text, width  # noqa: F401
