"""Import every built-in transform module (registration happens at import)."""

from . import address_split, coding, dates, fusho, people, reverse, text, width  # noqa: F401
