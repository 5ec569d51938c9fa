"""Range checks for training settings, shared by the request and its parts.

Training settings come from the command line and the Model page; a value out of
range must be refused before any data is read, with a message that names the
setting, rather than fail as a crash (or a NaN loss) minutes into the run.
"""

from __future__ import annotations

import math

from core.errors import ConfigError


def check_whole(name: str, value: object, low: int, high: int) -> None:
    """Refuse ``value`` unless it is a whole number (not a bool) from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{name} must be a whole number from {low:,} to {high:,}, not {value!r}.")


def check_number(name: str, value: object, low: float, high: float, *, high_included: bool = True) -> None:
    """Refuse ``value`` unless it is a finite number from ``low`` up to ``high``."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or not (low <= value <= high if high_included else low <= value < high):
        shown = f"from {low:g} up to {'and including' if high_included else 'but not including'} {high:g}"
        raise ConfigError(f"{name} must be a number {shown}, not {value!r}.")
