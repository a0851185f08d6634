"""Turn a raw Python answer into plain data once (`to_data`), and data to bytes and back (Arrow IPC / JSON)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
from collections.abc import Callable, Mapping
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from grader.compare.choices import option_key
from grader.compare.tables import column_key, positional_name
from grader.spec import Choice, Figure, Interval, Kind, Question, Scalar, Set, Statement, Table
from grader.values import iso_text

Data = pd.DataFrame | float | int | str | bool | list | tuple | dict
_ARROW_MAGIC = b"ARROW1"
_SHOWN_CHARS = 40


class AnswerError(Exception):
    """An answer that cannot be compared; the message is one sentence for the student."""


class NotAnswered(AnswerError):
    """The scaffold's `...` (or NotImplemented) is still in place."""



def _describe(raw: Any) -> str:
    """'a str ('SELECT ...')', 'a list of 3 items', 'a dict' - what the student handed in."""
    name = type(raw).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    if isinstance(raw, str):
        text = raw if len(raw) <= _SHOWN_CHARS else raw[: _SHOWN_CHARS - 3] + "..."
        return f"text ({text!r})"
    if isinstance(raw, list | tuple | set | frozenset | pd.Series | pd.Index | np.ndarray):
        return f"{article} {name} of {len(raw)} item{'s' if len(raw) != 1 else ''}"
    return f"{article} {name}"


_NONE_ADVICE = {
    Table: "pass the result itself, e.g. db.sql(query).df()",
    Scalar: "pass the value itself, e.g. the number your code computes",
    Set: "pass the values themselves, e.g. set(df['user_id'])",
    Choice: "pass one of the options as text",
    Statement: 'pass your sentence as text, e.g. "Weekly active users fell ..."',
    Interval: "pass (low, high)",
    Figure: "pass the Axes (ax = df.plot(...)) or the Figure (fig, ax = plt.subplots()); plt.show() returns None",
}


def _reject_unusable(kind: Kind, raw: Any) -> None:
    """Raise AnswerError for answers no kind can use: the scaffold, None, an exception."""
    if raw is Ellipsis or raw is NotImplemented:
        raise NotAnswered("Not answered yet: replace the `...` with your answer.")
    if raw is None:
        raise AnswerError(
            "The answer is None - nothing was handed in (a function without `return`, a `print(...)`, or an "
            f"`inplace=True` method gives None); {_NONE_ADVICE[type(kind)]}."
        )
    if isinstance(raw, type) and issubclass(raw, BaseException):
        raise AnswerError(f"The answer is the error type {raw.__name__}, not a result: pass what your code computes.")
    if isinstance(raw, BaseException):
        message = " ".join(str(raw).split())
        message = message if len(message) <= 120 else message[:117] + "..."
        raise AnswerError(
            f"The answer is an error, not a result ({type(raw).__name__}: {message}): fix the code that raised it."
        )


def _arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a pandas DataFrame (Arrow's default conversion)."""
    return table.to_pandas()


def _labelled_by_text(series: pd.Series) -> bool:
    """An unnamed index of distinct texts: the labels of one row's values (df.iloc[0], df.mean())."""
    index = series.index
    return index.names == [None] and len(index) > 0 and index.is_unique and all(isinstance(x, str) for x in index)


def _series_frame(series: pd.Series) -> pd.DataFrame:
    """A Series as a table: one row when it is a record, else one column (its name, or 'value')."""
    if _labelled_by_text(series):
        if isinstance(series.name, str):
            labels = ", ".join(repr(x) for x in series.index[:3]) + (", ..." if len(series) > 3 else "")
            raise AnswerError(
                f"The answer is a Series named {series.name!r} labelled {labels}: for one row with those columns "
                "pass dict(s); for a column of labels and values pass s.rename_axis('label').reset_index()."
            )
        return pd.DataFrame([series.to_dict()])
    return series.to_frame(name="value" if series.name is None else series.name)


def _list_like(value: Any) -> bool:
    """A sequence of values (a column), as opposed to one value."""
    return isinstance(value, list | tuple | np.ndarray | pd.Series)


def _from_mapping(raw: Mapping) -> pd.DataFrame:
    """A dict of single values is one row; a dict of equally long lists is columns."""
    values = list(raw.values())
    if values and not any(_list_like(v) or isinstance(v, Mapping) for v in values):
        return pd.DataFrame([dict(raw)])
    if values and all(_list_like(v) for v in values) and len({len(v) for v in values}) == 1:
        return pd.DataFrame({key: list(value) for key, value in raw.items()})
    raise AnswerError("A dict answer is one row ({'dau': 1203, 'wau': 4410}) or columns of equal length "
                      "({'day': [...], 'dau': [...]}); this one is neither: pass a DataFrame instead.")


def _from_tuples(rows: list) -> pd.DataFrame:
    """Rows without column names (fetchone()/fetchall()): columns named by position, matched to the key's order."""
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        raise AnswerError("The rows of the answer have different lengths: pass db.sql(query).df() instead.")
    return pd.DataFrame([list(row) for row in rows], columns=[positional_name(i) for i in range(width)])


def _as_frame(raw: Any, wanted: str) -> pd.DataFrame:
    """Any table-like answer as a DataFrame; `wanted` names what the question expects, for the error.

    Besides tables: a Series (a column, or one row when it is a record such as df.iloc[0]), a dict (one row or
    columns), a fetchone() tuple or a fetchall() list of tuples (columns taken in the key's order).
    """
    if isinstance(raw, pd.DataFrame):
        return raw
    if isinstance(raw, pd.Series):
        return _series_frame(raw)
    if isinstance(raw, Mapping):
        return _from_mapping(raw)
    if isinstance(raw, tuple) and raw and not any(_list_like(v) or isinstance(v, Mapping) for v in raw):
        return _from_tuples([raw])
    if isinstance(raw, list) and raw and all(isinstance(row, tuple) for row in raw):
        return _from_tuples(raw)
    if isinstance(raw, duckdb.DuckDBPyRelation):
        try:
            return _arrow_to_frame(raw.to_arrow_table())
        except duckdb.Error as error:
            message = str(error).splitlines()[0]
            raise AnswerError(f"Running the answer's query failed ({message}): fix the query.") from None
    if isinstance(raw, duckdb.DuckDBPyConnection):
        raise AnswerError("The answer is the database connection, not a result: pass db.sql(query).df().")
    if isinstance(raw, pa.Table):
        return _arrow_to_frame(raw)
    if isinstance(raw, pa.RecordBatch):
        return _arrow_to_frame(pa.Table.from_batches([raw]))
    if isinstance(raw, list) and raw and all(isinstance(row, Mapping) for row in raw):
        return pd.DataFrame.from_records(raw)
    if isinstance(raw, str):
        raise AnswerError(
            f"The answer is {_describe(raw)}; {wanted}: run the query and pass its result, e.g. db.sql(query).df()."
        )
    raise AnswerError(f"{wanted[0].upper()}{wanted[1:]}; got {_describe(raw)}.")


def _flat_name(name: Any) -> str:
    """A column name as text; MultiIndex parts (from pivots and .agg) joined with '_'."""
    if isinstance(name, tuple):
        return "_".join(str(part) for part in name if str(part) != "")
    return str(name)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Named index levels become columns (groupby results), unnamed ones are dropped; names become text."""
    if any(name is not None for name in frame.index.names):
        try:
            frame = frame.reset_index()
        except ValueError:  # an index level repeats a column's name: the column already holds it
            frame = frame.reset_index(drop=True)
    else:
        frame = frame.reset_index(drop=True)
    frame.columns = [_flat_name(c) for c in frame.columns]
    return frame


def _via_arrow(frame: pd.DataFrame) -> pd.DataFrame:
    """Round-trip through Arrow so the data is exactly what dump/load will reproduce."""
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError) as error:
        for name in frame.columns:
            try:
                pa.array(frame[name], from_pandas=True)
            except (pa.ArrowException, TypeError, ValueError):
                kinds = sorted({type(v).__name__ for v in frame[name].dropna()})
                if len(kinds) == 1:
                    raise AnswerError(
                        f"Column '{name}' holds {kinds[0]} values, which cannot be compared: convert them to "
                        "numbers or text."
                    ) from None
                raise AnswerError(
                    f"Column '{name}' mixes kinds of values ({', '.join(kinds)}): make each column hold one kind."
                ) from None
        raise AnswerError(f"The table cannot be turned into data ({error}): keep to plain columns.") from None
    return _arrow_to_frame(table)


def _table(kind: Table, raw: Any) -> pd.DataFrame:
    """A table answer as a tidy DataFrame."""
    frame = _tidy(_as_frame(raw, "this question wants a table (a DataFrame, a DuckDB relation or a list of dicts)"))
    if frame.shape[1] == 0:
        raise AnswerError("The table has no columns: select the columns the question asks for.")
    if frame.shape[0] == 0:
        columns = ", ".join(frame.columns)
        raise AnswerError(f"The table has no rows (columns: {columns}): check the filters and joins.")
    seen: dict[str, str] = {}
    for name in frame.columns:
        if column_key(name) in seen:
            raise AnswerError(
                f"Columns '{seen[column_key(name)]}' and '{name}' have the same name (names ignore case and "
                "spacing): rename one."
            )
        seen[column_key(name)] = name
    return _via_arrow(frame)


def _plain(value: Any) -> Any:
    """One value as a JSON-ready Python value: None for missing, int/float/bool/str, ISO text for dates."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return iso_text(value)
    if isinstance(value, bool | int | float | str):
        return value
    raise AnswerError(f"The answer holds {_describe(value)}, which is not a single value (number, text, date).")


def _single(raw: Any) -> Any:
    """The one value inside a 1x1 table, a 1-item Series/array/tuple/dict, or the value itself."""
    if isinstance(raw, duckdb.DuckDBPyRelation | pa.Table):
        raw = _as_frame(raw, "")
    if isinstance(raw, Mapping) and len(raw) == 1:
        raw = next(iter(raw.values()))
    if isinstance(raw, pd.DataFrame):
        if raw.shape != (1, 1):
            raise AnswerError(
                f"The answer is a table of {raw.shape[0]} row(s) and {raw.shape[1]} column(s); this question wants "
                "one value: pick it, e.g. df.iloc[0, 0]."
            )
        return raw.iat[0, 0]
    if isinstance(raw, pd.Series | np.ndarray | list | tuple):
        values = list(np.asarray(raw, dtype=object).reshape(-1)) if isinstance(raw, np.ndarray) else list(raw)
        if len(values) != 1:
            raise AnswerError(f"The answer is {_describe(raw)}; this question wants one value.")
        return values[0]
    return raw


def _scalar(kind: Scalar, raw: Any) -> float | int | str | bool:
    """One number, text or yes/no value (dates as ISO text)."""
    value = _single(raw)
    if isinstance(value, float | np.floating) and math.isnan(value):
        raise AnswerError("The answer is NaN (not a number): often a division by zero or an average of no rows.")
    if isinstance(value, float | np.floating) and math.isinf(value):
        raise AnswerError("The answer is infinite: often a division by zero.")
    if value is None or value is pd.NA or value is pd.NaT:
        raise AnswerError("The answer is NULL (missing): check that your query returns a value.")
    if not isinstance(value, bool | int | float | str | decimal.Decimal | np.generic | dt.date):
        raise AnswerError(f"This question wants one value (a number, text or yes/no); got {_describe(value)}.")
    return _plain(value)


_ORDER = {type(None): 0, bool: 1, int: 2, float: 2, str: 3}


def _set(kind: Set, raw: Any) -> list:
    """Distinct values, sorted (NULL first, then yes/no, numbers, text)."""
    if isinstance(raw, duckdb.DuckDBPyRelation | pa.Table):
        raw = _as_frame(raw, "")
    if isinstance(raw, pd.DataFrame):
        if raw.shape[1] != 1:
            raise AnswerError(
                f"The answer is a table of {raw.shape[1]} columns; a set answer is one column: select it, "
                "e.g. df['user_id']."
            )
        raw = raw.iloc[:, 0]
    if isinstance(raw, str | Mapping) or not isinstance(
        raw, set | frozenset | list | tuple | pd.Series | pd.Index | np.ndarray
    ):
        raise AnswerError(f"This question wants a set of values, e.g. {{'a', 'b'}} or df['col']; got {_describe(raw)}.")
    values = np.asarray(raw, dtype=object).reshape(-1) if isinstance(raw, np.ndarray) else raw
    distinct = {}
    for item in values:
        value = _plain(item)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        distinct[(_ORDER[type(value)], value)] = value
    return [distinct[key] for key in sorted(distinct, key=lambda k: (k[0], k[1] if k[1] is not None else 0))]


def _choice(kind: Choice, raw: Any) -> str:
    """The option the answer names, spelled as in the question."""
    options = ", ".join(repr(o) for o in kind.options)
    if not isinstance(raw, str):
        raise AnswerError(f"Answer with one of the options as text ({options}); got {_describe(raw)}.")
    for option in kind.options:
        if option_key(option) == option_key(raw):
            return option
    raise AnswerError(f"{raw.strip()!r} is not one of the options: {options}.")


def _statement(kind: Statement, raw: Any) -> str:
    """The sentence, as text."""
    if not isinstance(raw, str):
        raise AnswerError(f'Answer with your sentence as text in quotes, e.g. "Weekly active users fell ..."; got '
                          f"{_describe(raw)}.")
    if not raw.strip():
        raise AnswerError("The sentence is empty: write it between the quotes.")
    return " ".join(raw.split())


def _number(value: Any, which: str) -> float:
    """One end of an interval as a float (a bool is not a number)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | decimal.Decimal | np.number):
        raise AnswerError(f"The interval's {which} end must be a number; got {_describe(value)}.")
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise AnswerError(f"The interval's {which} end is {number}: check the computation.")
    return number


def _interval(kind: Interval, raw: Any) -> tuple[float, float]:
    """(low, high) from a 2-item sequence, a {'low', 'high'} mapping or an object with .low/.high."""
    if isinstance(raw, Mapping) and "low" in raw and "high" in raw:
        ends = [raw["low"], raw["high"]]
    elif hasattr(raw, "low") and hasattr(raw, "high"):
        ends = [raw.low, raw.high]
    elif isinstance(raw, list | tuple | np.ndarray | pd.Series):
        ends = list(np.asarray(raw, dtype=object).reshape(-1)) if isinstance(raw, np.ndarray) else list(raw)
    else:
        raise AnswerError(f"This question wants an interval (low, high); got {_describe(raw)}.")
    if len(ends) != 2:
        raise AnswerError(f"An interval is two numbers (low, high); got {len(ends)} values.")
    low, high = _number(ends[0], "low"), _number(ends[1], "high")
    if low > high:
        raise AnswerError(f"The interval's low end ({low:g}) is above its high end ({high:g}): write (low, high).")
    return (low, high)


def _axes_of(raw: Any) -> Any:
    """The Axes a chart answer means: the Axes itself, or the first Axes with something plotted on it."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

    if isinstance(raw, list | tuple | np.ndarray):
        items = list(np.asarray(raw, dtype=object).reshape(-1)) if isinstance(raw, np.ndarray) else list(raw)
        chart = next((i for i in items if isinstance(i, Axes)), None) or next(
            (i for i in items if isinstance(i, MplFigure)), None
        )
        if chart is not None:
            raw = chart
    if isinstance(raw, Axes):
        return raw
    if isinstance(raw, MplFigure):
        if not raw.axes:
            raise AnswerError("The figure has no axes: nothing is plotted on it.")
        return next((a for a in raw.axes if a.lines or a.containers or a.collections), raw.axes[0])
    raise AnswerError(
        f"This question wants a matplotlib chart (the Axes from df.plot(...) or a Figure); got {_describe(raw)}."
    )


def _positions(axis: Any, values: np.ndarray) -> list:
    """Positions along an axis: category names on a categorical axis (ticks at 0..n-1), else numbers.

    Both matplotlib's string categories and pandas' bar/categorical plots put category i at position i; grouped
    bars sit within half a step of their category's tick.
    """
    locs = np.asarray(axis.get_majorticklocs(), dtype=float)
    if len(values) and len(locs) and np.array_equal(locs, np.arange(len(locs))):
        nearest = np.rint(values)
        if np.all(np.abs(values - nearest) < 0.5) and nearest.min() >= 0 and nearest.max() < len(locs):
            labels = axis.get_major_formatter().format_ticks(locs)
            if all(labels):
                return [_number_or_text(labels[int(i)]) for i in nearest]
    return _floats(values)


def _number_or_text(label: str) -> float | str:
    """A tick label as a number when it reads as one (so '3' from pandas equals 3 from matplotlib)."""
    try:
        return float(label.replace("\u2212", "-"))
    except ValueError:
        return label


def _floats(values: Any) -> list:
    """Numbers as a JSON-ready list, None where the value is missing."""
    array: np.ndarray = np.ma.filled(np.ma.masked_invalid(np.ma.asarray(values, dtype=float)), np.nan)
    return [None if math.isnan(v) else v for v in array.tolist()]


def _label(artist: Any) -> str:
    """The legend label, '' for matplotlib's internal '_child0'-style names."""
    label = str(artist.get_label() or "")
    return "" if label.startswith("_") else label


def _constant(values: list) -> bool:
    """Two or more points that all sit at one position: a horizontal or vertical reference drawn with plot()."""
    present = [v for v in values if v is not None]
    return len(present) >= 2 and all(v == present[0] for v in present)


def _line_series(ax: Any) -> list[dict]:
    """Lines in data coordinates; an errorbar's caps are not series and its data line takes the errorbar's label."""
    from matplotlib.container import ErrorbarContainer

    caps: set[int] = set()
    labels: dict[int, str] = {}
    for container in ax.containers:
        if isinstance(container, ErrorbarContainer):
            data_line, caplines, _ = container.lines
            caps.update(id(line) for line in caplines)
            if data_line is not None:
                labels[id(data_line)] = _label(container)
    series = []
    for line in ax.get_lines():
        if line.get_transform() is not ax.transData or id(line) in caps:
            continue
        # orig=False: the data after unit conversion (dates, categories), as plotted
        x = _positions(ax.xaxis, np.ma.filled(np.ma.asarray(line.get_xdata(orig=False), dtype=float), np.nan))
        y = _floats(line.get_ydata(orig=False))
        label = labels.get(id(line)) or _label(line)
        series.append({"label": label, "kind": "line", "x": x, "y": y, "reference": _constant(x) or _constant(y)})
    return series


def _bar_series(ax: Any) -> list[dict]:
    """One series per bar group, vertical or horizontal (position along the category axis, bar length as value)."""
    from matplotlib.container import BarContainer

    series = []
    for container in ax.containers:
        if not isinstance(container, BarContainer):
            continue
        patches = container.patches
        if getattr(container, "orientation", "vertical") == "horizontal":
            at = np.array([p.get_y() + p.get_height() / 2 for p in patches])
            size, axis = [p.get_width() for p in patches], ax.yaxis
        else:
            at = np.array([p.get_x() + p.get_width() / 2 for p in patches])
            size, axis = [p.get_height() for p in patches], ax.xaxis
        series.append({"label": _label(container), "kind": "bar", "x": _positions(axis, at), "y": _floats(size)})
    return series


def _scatter_series(ax: Any) -> list[dict]:
    """One series per scatter (marker collection)."""
    from matplotlib.collections import PathCollection

    series = []
    for collection in ax.collections:
        if isinstance(collection, PathCollection):
            offsets: np.ndarray = np.ma.filled(np.ma.asarray(collection.get_offsets(), dtype=float),
                                               np.nan).reshape(-1, 2)
            x, y = _positions(ax.xaxis, offsets[:, 0]), _floats(offsets[:, 1])
            series.append({"label": _label(collection), "kind": "scatter", "x": x, "y": y})
    return series


def _horizontal_bars_only(layers: list) -> bool:
    """The chart's bars are all horizontal (barh), and it has some."""
    from matplotlib.container import BarContainer

    bars = [c for a in layers for c in a.containers if isinstance(c, BarContainer)]
    return bool(bars) and all(getattr(c, "orientation", "vertical") == "horizontal" for c in bars)


def _has_error_bars(ax: Any) -> bool:
    """Error bars (errorbar or bars with yerr/xerr) or an uncertainty band (fill_between) are drawn."""
    from matplotlib.collections import PolyCollection
    from matplotlib.container import ErrorbarContainer

    bars = any(isinstance(c, ErrorbarContainer) and (c.has_yerr or c.has_xerr) for c in ax.containers)
    return bars or any(isinstance(c, PolyCollection) for c in ax.collections)


def _in_data_x(coords: Any, ax: Any) -> bool:
    """Whether text coordinates place x in data units ("data", ("data", ...) or a transform built on transData)."""
    from matplotlib.transforms import Transform

    if isinstance(coords, str):
        return coords == "data"
    if isinstance(coords, tuple) and coords:
        return coords[0] == "data"
    return isinstance(coords, Transform) and coords.contains_branch_seperately(ax.transData)[0]


def _annotation_x(ax: Any) -> list[float]:
    """Where along x each annotation points (ax.annotate's xy) or sits (ax.text), when given in data units."""
    from matplotlib.text import Annotation

    found = []
    for text in ax.texts:
        x, coords = (text.xy[0], text.xycoords) if isinstance(text, Annotation) else (
            text.get_position()[0], text.get_transform())
        if not _in_data_x(coords, ax):
            continue
        try:
            value = float(np.asarray(ax.xaxis.convert_units(x), dtype=float))
        except (TypeError, ValueError):
            continue
        if math.isfinite(value):
            found.append(value)
    return found


def _figure(kind: Figure, raw: Any) -> dict:
    """A chart as data: title, axis labels, y-limits, its series (lines, bar groups, scatters), whether error bars
    are drawn and how many text annotations it has.

    Reference lines drawn outside data coordinates (axhline/axvline) are not series; constant lines drawn with
    plot() are marked `reference` so a comparison can set them aside.
    """
    ax = _axes_of(raw)
    figure = ax.get_figure()
    layers = _twins(ax)
    title = ax.get_title() or ax.get_title("left") or ax.get_title("right")
    if not title and figure is not None:
        title = figure.get_suptitle()
    # A chart of horizontal bars shows its values along x: "from zero" is about that axis.
    value_axis = "x" if _horizontal_bars_only(layers) else "y"
    low, high = ax.get_xlim() if value_axis == "x" else ax.get_ylim()
    return {
        "title": title,
        "xlabel": next((a.get_xlabel() for a in layers if a.get_xlabel()), ""),
        "ylabel": next((a.get_ylabel() for a in layers if a.get_ylabel()), ""),
        "value_axis": value_axis,
        "ylim": [float(low), float(high)],  # the value axis' limits (x for horizontal bars)
        "series": [s for a in layers for s in _line_series(a) + _bar_series(a) + _scatter_series(a)],
        "error_bars": any(_has_error_bars(a) for a in layers),
        "annotations": sum(len(a.texts) for a in layers),
        "annotation_x": [x for a in layers for x in _annotation_x(a)],
        "y_axes": len(layers),
        "legend": any(a.get_legend() is not None for a in layers) or bool(figure is not None and figure.legends),
        "other_marks": sum(len(a.collections) + len(a.lines) + len(a.patches) for a in layers),
    }


def _twins(ax: Any) -> list:
    """The Axes and those drawn over it (twinx, pandas' secondary_y): one chart, several y-scales."""
    figure = ax.get_figure()
    others = [] if figure is None else [a for a in figure.axes if a is not ax and a.bbox.bounds == ax.bbox.bounds]
    return [ax, *others]


_CONVERTERS: dict[type, Callable[[Any, Any], Any]] = {
    Table: _table,
    Scalar: _scalar,
    Set: _set,
    Choice: _choice,
    Statement: _statement,
    Interval: _interval,
    Figure: _figure,
}


def to_data(kind: Kind | Question, raw: Any) -> Data:
    """Turn a raw answer into comparable data; raise AnswerError (NotAnswered for a scaffold) if it is unusable.

    Table -> DataFrame; Scalar -> float | int | str | bool (dates as ISO text); Set -> sorted list;
    Choice -> the option's text; Statement -> the sentence, whitespace runs collapsed; Interval -> (low, high);
    Figure -> dict (title, xlabel, ylabel, ylim, series, error_bars, annotations, annotation_x: their x in data
    units, y_axes: how many y-scales, legend, other_marks: how many artists are drawn in all).
    """
    if isinstance(kind, Question):
        kind = kind.kind
    _reject_unusable(kind, raw)
    return _CONVERTERS[type(kind)](kind, raw)


def dump(data: Data) -> bytes:
    """Serialise data: Arrow IPC for tables, JSON otherwise (never pickle)."""
    if isinstance(data, pd.DataFrame):
        table = pa.Table.from_pandas(data, preserve_index=False)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        return sink.getvalue().to_pybytes()
    payload = {"tuple": isinstance(data, tuple), "value": list(data) if isinstance(data, tuple) else data}
    return json.dumps(payload, sort_keys=True, allow_nan=False, ensure_ascii=False).encode()


def load(blob: bytes) -> Data:
    """Read data written by `dump`."""
    if blob.startswith(_ARROW_MAGIC):
        return _arrow_to_frame(pa.ipc.open_file(pa.py_buffer(blob)).read_all())
    try:
        payload = json.loads(blob.decode())
        value, is_tuple = payload["value"], payload["tuple"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        raise ValueError("load() reads only what dump() writes: Arrow IPC or grader JSON.") from None
    return tuple(value) if is_tuple else value
