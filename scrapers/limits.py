"""Limits shared by the fetcher, the settings and the commands that read files (no imports: cheap to load)."""

from __future__ import annotations

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024  # a larger page is cut off and recorded; a larger file is refused
