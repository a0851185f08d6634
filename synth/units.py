"""Time units, in the seconds and milliseconds the simulation counts in."""

HOUR = 3_600  # seconds
DAY = 24 * HOUR
HOUR_MS = HOUR * 1000
DAY_MS = DAY * 1000
WEEK_DAYS = 7
