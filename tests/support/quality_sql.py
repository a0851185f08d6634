"""SQL the data-quality plant tests share: how far each event's device time is from its receipt.

One row per event_id (its first delivery): lag_s = received_ts - event_ts in seconds, and offset_s, the user's
UTC offset at that moment. A correct phone uploads within seconds (lag near 0); a build that writes local time
as UTC has lag = -offset; a skewed clock has a large lag of its own, the same on every event of the phone.
"""

# a CTE, to follow a WITH
LAGS = """
lags AS (
    SELECT e.event_id, e.user_id, e.platform, e.app_version, e.event_ts, e.received_ts,
           epoch(e.received_ts) - epoch(e.event_ts) AS lag_s,
           epoch(timezone(u.timezone, e.received_ts AT TIME ZONE 'UTC')::TIMESTAMP) - epoch(e.received_ts) AS offset_s
    FROM events e JOIN users u USING (user_id)
    QUALIFY row_number() OVER (PARTITION BY e.event_id ORDER BY e.received_ts) = 1)
"""

# the time-zone bug's fingerprint on an event: moved by exactly the user's (non-zero) UTC offset
LOCAL_AS_UTC = "(offset_s <> 0 AND abs(lag_s + offset_s) < 60)"
