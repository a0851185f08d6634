"""Countries, their time zones and platform mix, and UTC offsets by local hour (DST included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from synth.units import HOUR

# country, share of users, iOS share, ((timezone, share within country), ...)
COUNTRIES: tuple[tuple[str, float, float, tuple[tuple[str, float], ...]], ...] = (
    ("US", 0.22, 0.58, (("America/New_York", 0.47), ("America/Chicago", 0.29),
                        ("America/Denver", 0.07), ("America/Los_Angeles", 0.17))),
    ("BR", 0.10, 0.15, (("America/Sao_Paulo", 1.0),)),
    ("IN", 0.10, 0.05, (("Asia/Kolkata", 1.0),)),
    ("ID", 0.07, 0.10, (("Asia/Jakarta", 0.8), ("Asia/Makassar", 0.2))),
    ("MX", 0.06, 0.22, (("America/Mexico_City", 1.0),)),
    ("GB", 0.06, 0.52, (("Europe/London", 1.0),)),
    ("DE", 0.05, 0.38, (("Europe/Berlin", 1.0),)),
    ("FR", 0.04, 0.33, (("Europe/Paris", 1.0),)),
    ("PH", 0.04, 0.12, (("Asia/Manila", 1.0),)),
    ("JP", 0.04, 0.66, (("Asia/Tokyo", 1.0),)),
    ("TR", 0.04, 0.18, (("Europe/Istanbul", 1.0),)),
    ("NG", 0.03, 0.12, (("Africa/Lagos", 1.0),)),
    ("CA", 0.03, 0.55, (("America/Toronto", 0.65), ("America/Vancouver", 0.35))),
    ("AU", 0.03, 0.55, (("Australia/Sydney", 1.0),)),
    ("ES", 0.03, 0.25, (("Europe/Madrid", 1.0),)),
    ("KR", 0.03, 0.30, (("Asia/Seoul", 1.0),)),
    ("EG", 0.03, 0.10, (("Africa/Cairo", 1.0),)),
    ("IE", 0.0, 0.45, (("Europe/Dublin", 1.0),)),  # soft-launch market: signups from Config.soft_launch only
)

COUNTRY_CODES: tuple[str, ...] = tuple(c[0] for c in COUNTRIES)
TIMEZONES: tuple[str, ...] = tuple(tz for c in COUNTRIES for tz, _ in c[3])


def country_weights() -> np.ndarray:
    """Share of users per country, normalised."""
    w = np.array([c[1] for c in COUNTRIES])
    return w / w.sum()


def ios_share() -> np.ndarray:
    """Share of iOS users per country."""
    return np.array([c[2] for c in COUNTRIES])


def timezone_choice(country: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index into TIMEZONES for each user, from their country and a uniform draw."""
    out = np.empty(len(country), dtype=np.int16)
    first = 0
    for i, (_, _, _, zones) in enumerate(COUNTRIES):
        cum = np.cumsum([s for _, s in zones])
        mine = country == i
        out[mine] = first + np.minimum(np.searchsorted(cum / cum[-1], u[mine], side="right"), len(zones) - 1)
        first += len(zones)
    return out


def _offset_s(moment: datetime, tz: ZoneInfo, wall_clock: bool) -> int:
    aware = moment.replace(tzinfo=tz) if wall_clock else moment.replace(tzinfo=UTC).astimezone(tz)
    offset = aware.utcoffset()
    assert offset is not None  # an aware datetime always has one
    return int(offset.total_seconds())


@lru_cache(maxsize=16)
def utc_offsets(start: datetime, hours: int, margin_hours: int, wall_clock: bool) -> np.ndarray:
    """UTC offset in seconds per time zone (rows) and hour from start - margin (cols).

    Hours count local wall-clock time when wall_clock, else UTC; both are needed because DST makes
    the offset of a local hour differ from the offset of the same UTC hour near a change.
    """
    n = hours + 2 * margin_hours
    table = np.empty((len(TIMEZONES), n), dtype=np.int64)
    clock = [start + timedelta(hours=h - margin_hours) for h in range(n)]
    # Offsets change at most once a day, so a daily sample suffices outside the days where one changes.
    days = [*range(0, n, 24), n - 1]
    for i, name in enumerate(TIMEZONES):
        tz = ZoneInfo(name)
        daily = [_offset_s(clock[h], tz, wall_clock) for h in days]
        for a, b, before, after in zip(days, days[1:], daily, daily[1:], strict=False):
            table[i, a:b] = before if before == after else [_offset_s(clock[h], tz, wall_clock) for h in range(a, b)]
        table[i, -1] = daily[-1]
    return table


MARGIN_DAYS = 2  # offsets are tabulated this far beyond both ends of the window


def _offsets(start: datetime, days: int, seconds: np.ndarray, tz: np.ndarray, wall_clock: bool) -> np.ndarray:
    table = utc_offsets(start, days * 24, MARGIN_DAYS * 24, wall_clock)
    hour = np.clip(seconds // HOUR + MARGIN_DAYS * 24, 0, table.shape[1] - 1)
    return table[tz, hour]


def local_to_utc(local_s: np.ndarray, tz: np.ndarray, start: datetime, days: int) -> np.ndarray:
    """Seconds since the window start as UTC, from seconds since the window start on the local wall clock."""
    return local_s - _offsets(start, days, local_s, tz, wall_clock=True)


def utc_to_local(utc_s: np.ndarray, tz: np.ndarray, start: datetime, days: int) -> np.ndarray:
    """Seconds since the window start on the local wall clock, from seconds since the window start as UTC."""
    return utc_s + _offsets(start, days, utc_s, tz, wall_clock=False)
