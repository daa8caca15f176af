"""Charts drawn on the server as SVG: no JavaScript, nothing inline a strict CSP would block
(colours come from classes in static/css/metrics.css), readable by screen readers through
<title> and <desc>, and each shipped with its numbers as a table (the template shows it below).

Three kinds cover the metrics page: lines over time, stacked columns over time, and stacked
horizontal bars for rankings. Series colours follow the Okabe-Ito palette (safe for colour blindness).
"""

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 40, 44
Number = float | int | None
Formatter = Callable[[float], str]


def plain(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


@dataclass
class Series:
    name: "str | Promise"
    values: list[Number]
    dashed: bool = False
    tone: str = ""  # "ok", "warn" or "bad": a colour that means something (SLA states)

    def css(self, index: int) -> str:
        return self.tone or f"s{index % 8}"


@dataclass
class Chart:
    id: str
    title: str
    description: str
    svg: SafeString
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    empty: bool = False

    @cached_property
    def table_html(self) -> SafeString:
        """The numbers as an HTML table, built here: a year of days is a thousand cells, too many
        for the template engine on a page meant to answer in a tenth of a second."""
        head = "".join(f'<th scope="col">{html.escape(str(cell))}</th>' for cell in self.head)
        body = "".join(
            f'<tr><th scope="row">{html.escape(str(row[0]))}</th>'
            + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row[1:])
            + "</tr>"
            for row in self.rows
        )
        caption = f'<caption class="visually-hidden">{html.escape(str(self.title))}</caption>'
        return mark_safe(  # every cell escaped above
            f'<table class="table table-sm small mb-0">{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )


def _e(value: object) -> str:
    """Escaped like Django's escape (& < > " ' ), without its SafeString and lazy-string wrapping:
    a year of days is thousands of shapes, and format_html costs ten times this per call."""
    return html.escape(str(value), quote=True)


def _html(template: str, *args: object) -> str:
    """format_html for the chart's own shapes: every argument escaped (none here is pre-escaped)."""
    return template.format(*(_e(arg) for arg in args))


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def axis_top(values: Sequence[float], *, whole: bool) -> float:
    """The top of a four-step axis with round steps (whole steps for counts)."""
    step = nice_ceiling(max(values, default=0) / 4)
    if whole:
        step = max(1.0, math.ceil(step))
    return step * 4


def _whole(series: list["Series"]) -> bool:
    return all(float(v).is_integer() for s in series for v in s.values if v is not None)


def _frame(
    chart_id: str,
    title: str,
    description: str,
    body: list[str],
    legend: list[Series],
    *,
    height: int = HEIGHT,
) -> SafeString:
    parts: list[str] = [
        _html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
            'xmlns="http://www.w3.org/2000/svg" id="{}-svg">',
            WIDTH,
            height,
            chart_id,
            chart_id,
            chart_id,
        ),
        _html(
            '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
            chart_id,
            title,
            chart_id,
            description,
        ),
    ]
    x = LEFT
    for index, series in enumerate(legend):
        parts.append(
            _html(
                '<rect class="swatch {}" x="{}" y="10" width="12" height="12"></rect>'
                '<text class="legend" x="{}" y="20">{}</text>',
                series.css(index),
                x,
                x + 16,
                series.name,
            )
        )
        x += 28 + 7 * len(str(series.name))
    parts += body
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every argument was escaped by _html


def _y_axis(top_value: float, fmt: Formatter) -> list[str]:
    parts: list[str] = []
    plot_height = HEIGHT - TOP - BOTTOM
    for step in range(5):
        value = top_value * step / 4
        y = HEIGHT - BOTTOM - plot_height * step / 4
        parts.append(
            _html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>',
                LEFT,
                WIDTH - RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
            )
        )
        parts.append(
            _html(
                '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT - 6,
                f"{y + 4:.1f}",
                fmt(value),
            )
        )
    return parts


def _x_labels(labels: Sequence[str], centres: list[float]) -> list[str]:
    every = max(1, math.ceil(len(labels) / 8))
    labelled: list[str] = [
        _html(
            '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
            f"{x:.1f}",
            HEIGHT - BOTTOM + 18,
            label,
        )
        for index, (label, x) in enumerate(zip(labels, centres, strict=True))
        if index % every == 0 or index == len(labels) - 1
    ]
    return labelled


def _table(
    labels: Sequence[str], series: list[Series], fmt: Formatter, first: str
) -> tuple[list[str], list[list[str]]]:
    head = [first, *[str(s.name) for s in series]]
    rows = [
        [label, *["–" if s.values[i] is None else fmt(float(s.values[i] or 0)) for s in series]]
        for i, label in enumerate(labels)
    ]
    return head, rows


@dataclass
class _Drawing:
    """What one kind of chart draws inside the shared frame (title, legend, and the table below)."""

    body: list[str]
    empty: bool  # nothing to draw: the page says so instead
    height: int = HEIGHT


class ChartBuilder(Protocol):
    """line_chart, column_chart and bar_chart: a chart's id, title, description, the labels along
    its axis and the series over them; `fmt` writes a value, `first` heads the table's labels."""

    def __call__(
        self,
        chart_id: str,
        title: str,
        description: str,
        labels: Sequence[str],
        series: list[Series],
        *,
        fmt: Formatter = ...,
        first: str = ...,
    ) -> Chart: ...


def _builder(draw: Callable[[Sequence[str], list[Series], Formatter], _Drawing]) -> ChartBuilder:
    """A chart builder from the drawing of its plot: the frame, legend and table are the same for
    every kind."""

    def build(
        chart_id: str,
        title: str,
        description: str,
        labels: Sequence[str],
        series: list[Series],
        *,
        fmt: Formatter = plain,
        first: str = "",
    ) -> Chart:
        drawing = draw(labels, series, fmt)
        svg = _frame(chart_id, title, description, drawing.body, series, height=drawing.height)
        head, rows = _table(labels, series, fmt, first)
        return Chart(chart_id, title, description, svg, head, rows, drawing.empty)

    build.__doc__ = draw.__doc__
    return build


def _stacked(labels: Sequence[str], series: list[Series]) -> tuple[list[float], float]:
    """Each label's total over the series, and the top of an axis that holds the largest."""
    totals = [sum(float(s.values[i] or 0) for s in series) for i in range(len(labels))]
    return totals, axis_top(totals, whole=_whole(series))


def _segments(series: list[Series], i: int) -> list[tuple[int, Series, float]]:
    """The series with a value at label `i`, in stacking order (with their index, for the colour)."""
    return [(index, s, value) for index, s in enumerate(series) if (value := float(s.values[i] or 0))]


def _segment(
    s: Series, index: int, label: str, value: str, *, x: str, y: object, width: str, height: object
) -> str:
    """One series' part of a stacked column or bar, titled with its label, series and value."""
    return _html(
        '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}"><title>{}: {} {}</title></rect>',
        s.css(index),
        x,
        y,
        width,
        height,
        label,
        s.name,
        value,
    )


def _lines(labels: Sequence[str], series: list[Series], fmt: Formatter) -> _Drawing:
    """Lines over time, one per series; a missing value (None) is a gap, not a zero."""
    values = [float(v) for s in series for v in s.values if v is not None]
    top_value = axis_top(values, whole=_whole(series))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(labels), 1)
    xs = [LEFT + (plot_width * (i + 0.5) / count) for i in range(len(labels))]
    body = _y_axis(top_value, fmt)
    for index, s in enumerate(series):
        points = [
            (x, HEIGHT - BOTTOM - plot_height * float(v) / top_value)
            for x, v in zip(xs, s.values, strict=True)
            if v is not None
        ]
        if not points:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(
            _html(
                '<polyline class="line {}{}" points="{}"><title>{}</title></polyline>',
                s.css(index),
                " dashed" if s.dashed else "",
                path,
                s.name,
            )
        )
        if len(points) > 40:
            continue  # dots only where there are few enough to tell apart
        body += [
            _html(
                '<circle class="dot {}" cx="{}" cy="{}" r="2.5"></circle>',
                s.css(index),
                f"{x:.1f}",
                f"{y:.1f}",
            )
            for x, y in points
        ]
    body += _x_labels(labels, xs)
    return _Drawing(body, empty=not values)


def _columns(labels: Sequence[str], series: list[Series], fmt: Formatter) -> _Drawing:
    """Stacked columns, one per label (a day or a week)."""
    totals, top_value = _stacked(labels, series)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(labels), 1)
    slot = plot_width / count
    bar = max(2.0, slot * 0.7)
    body = _y_axis(top_value, fmt)
    xs = []
    for i, label in enumerate(labels):
        x = LEFT + slot * i + (slot - bar) / 2
        xs.append(x + bar / 2)
        base = float(HEIGHT - BOTTOM)
        for index, s, value in _segments(series, i):
            height = plot_height * value / top_value
            base -= height
            body.append(
                _segment(
                    s,
                    index,
                    label,
                    fmt(value),
                    x=f"{x:.1f}",
                    y=f"{base:.1f}",
                    width=f"{bar:.1f}",
                    height=f"{height:.1f}",
                )
            )
    body += _x_labels(labels, xs)
    return _Drawing(body, empty=not any(totals))


def _bars(labels: Sequence[str], series: list[Series], fmt: Formatter) -> _Drawing:
    """Stacked horizontal bars, one per label, in the order given (rank them first)."""
    totals, top_value = _stacked(labels, series)
    row_height = 22
    label_width = 170
    plot_width = WIDTH - label_width - RIGHT - 40
    body: list[str] = []
    for i, label in enumerate(labels):
        y = TOP + row_height * i
        body.append(
            _html(
                '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
                label_width - 6,
                y + 14,
                label[:28],
            )
        )
        x = float(label_width)
        for index, s, value in _segments(series, i):
            width = plot_width * value / top_value
            body.append(
                _segment(
                    s,
                    index,
                    label,
                    fmt(value),
                    x=f"{x:.1f}",
                    y=y + 3,
                    width=f"{width:.1f}",
                    height=row_height - 6,
                )
            )
            x += width
        body.append(
            _html('<text class="tick" x="{}" y="{}">{}</text>', f"{x + 4:.1f}", y + 14, fmt(totals[i]))
        )
    return _Drawing(body, empty=not any(totals), height=TOP + row_height * max(len(labels), 1) + 24)


line_chart = _builder(_lines)
column_chart = _builder(_columns)
bar_chart = _builder(_bars)


__all__ = ["Chart", "Series", "bar_chart", "column_chart", "escape", "line_chart"]
