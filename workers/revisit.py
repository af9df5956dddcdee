"""When to ask a known report again: an adaptive schedule, as Nutch's AdaptiveFetchSchedule does.

Each report keeps its own interval. Found unchanged (a 304, or the same cleaned text), the interval
grows by 40%; found edited, it shrinks by 20%; always within GOVREPORTS_REVISIT_MIN_HOURS and
GOVREPORTS_REVISIT_MAX_HOURS. So a report edited now and then is asked sooner than one that never
changes, and an edit is seen without `crawl --full`. A setting of 0 hours (refetch every crawl) turns
the adaptation off.
"""

from __future__ import annotations

from workers.config import Settings

GROW = 1.4
SHRINK = 0.8


def interval(settings: Settings, current: float | None) -> float:
    """The report's interval in hours now (the setting until it has its own)."""
    if settings.revisit_after_hours == 0:
        return 0.0
    return current if current is not None else settings.revisit_after_hours


def after_visit(settings: Settings, current: float | None, *, changed: bool) -> float | None:
    """The interval after a visit that found the report `changed` or not (None: adaptation is off)."""
    if settings.revisit_after_hours == 0:
        return None
    hours = interval(settings, current) * (SHRINK if changed else GROW)
    return min(settings.revisit_max_hours, max(settings.revisit_min_hours, hours))
