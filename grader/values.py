"""Values as feedback shows them: short, stable text (NULL for missing, dates without midnight times)."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any

import numpy as np
import pandas as pd

_MAX_TEXT = 60


def iso_text(value: dt.date) -> str:
    """A date or timestamp as ISO text, in UTC; midnight timestamps read as their date."""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat(sep=" ")


def format_value(value: Any) -> str:
    """A short, stable rendering of one value for feedback: NULL for missing, dates without midnight times."""
    if value is None or value is pd.NA or value is pd.NaT:
        return "NULL"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return "NULL"
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.8g}"
    if isinstance(value, bool | int | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return iso_text(value)
    if isinstance(value, str):
        text = value if len(value) <= _MAX_TEXT else value[: _MAX_TEXT - 1] + "…"
        return repr(text)
    text = str(value)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"
