"""Chart (b): a year's events, effective date (x) against recording time (y).

Both axes share one scale, so an event recorded on its effective day sits on the diagonal and
the vertical distance above it is the delay. The dashed line is the allowed delay; an entry above
it is late: drawn red and labelled with its position.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from cli.output.charts import svg
from cli.output.charts.data import Timeline, TimelineEntry
from cli.output.locale import Locale, day

SIZE = 460  # the square plot area
LEFT, TOP, RIGHT, BOTTOM = 92, 20, 190, 64
ON_TIME, LATE = "#2f6f9f", "#c0392b"


def _domain(data: Timeline) -> tuple[date, date]:
    """From the first of the earliest month to the end of the latest, covering the whole year."""
    days = [date(data.year, 1, 1), date(data.year, 12, 31)]
    days += [d for e in data.entries for d in (e.effective, e.recorded.date())]
    low, high = min(days), max(days)
    return low.replace(day=1), (high.replace(day=28) + timedelta(days=4)).replace(day=1)


def _months(low: date, high: date) -> list[date]:
    step = max(1, ((high.year - low.year) * 12 + high.month - low.month) // 10)
    months, current = [], low
    while current <= high:
        months.append(current)
        index = current.month - 1 + step
        current = date(current.year + index // 12, index % 12 + 1, 1)
    return months


class _Plot:
    def __init__(self, low: date, high: date) -> None:
        self.low, self.high = svg.ordinal(low), svg.ordinal(high)

    def x(self, when: date) -> Decimal:
        return svg.scale(svg.ordinal(when), self.low, self.high, LEFT, LEFT + SIZE)

    def y(self, when: date) -> Decimal:
        return svg.scale(svg.ordinal(when), self.low, self.high, TOP + SIZE, TOP)


def _axes(plot: _Plot, low: date, high: date, locale: Locale) -> list[str]:
    parts = [svg.tag("rect", {"x": LEFT, "y": TOP, "width": SIZE, "height": SIZE, "fill": "#fafafa",
                              "stroke": "#444"})]
    for month in _months(low, high):
        x, y, shown = plot.x(month), plot.y(month), day(month, locale)
        parts += [svg.tag("line", {"x1": x, "y1": TOP, "x2": x, "y2": TOP + SIZE, "stroke": "#e2e2e2"}),
                  svg.tag("line", {"x1": LEFT, "y1": y, "x2": LEFT + SIZE, "y2": y, "stroke": "#e2e2e2"}),
                  svg.text(0, 0, shown, text_anchor="end", font_size=10,
                           transform=f"translate({svg.num(x)} {TOP + SIZE + 14}) rotate(-35)"),
                  svg.text(LEFT - 6, y + 4, shown, text_anchor="end", font_size=10)]
    parts += [svg.text(LEFT + SIZE // 2, TOP + SIZE + BOTTOM - 4, "effective date", text_anchor="middle"),
              svg.text(0, 0, "recorded", text_anchor="middle",
                       transform=f"translate(14 {TOP + SIZE // 2}) rotate(-90)")]
    return parts


def _guides(plot: _Plot, low: date, high: date, allowed: int) -> list[str]:
    late_from = low + timedelta(days=allowed)
    return [svg.tag("line", {"x1": plot.x(low), "y1": plot.y(low), "x2": plot.x(high), "y2": plot.y(high),
                             "stroke": "#888", "class": "on-time-line"}),
            svg.tag("line", {"x1": plot.x(low), "y1": plot.y(late_from), "x2": plot.x(high - timedelta(days=allowed)),
                             "y2": plot.y(high), "stroke": LATE, "stroke-dasharray": "5 4", "class": "late-line"})]


def _dot(plot: _Plot, entry: TimelineEntry, late: bool, locale: Locale) -> str:
    x, y = plot.x(entry.effective), plot.y(entry.recorded.date())
    tip = (f"#{entry.position} {entry.label}: effective {day(entry.effective, locale)}, recorded "
           f"{day(entry.recorded.date(), locale)} ({entry.delay_days()} days)")
    parts = [svg.tag("circle", {"cx": x, "cy": y, "r": 5 if late else 4, "fill": LATE if late else ON_TIME,
                                "fill-opacity": "0.8"}, svg.tooltip(tip))]
    if late:
        parts.append(svg.text(x + 6, y - 6, f"#{entry.position}", font_size=10, fill=LATE))
    return svg.tag("g", {"class": "entry late" if late else "entry", "data-position": entry.position}, *parts)


def _legend(data: Timeline) -> list[str]:
    x, late = LEFT + SIZE + 18, len(data.late())
    rows = [(ON_TIME, f"on time ({len(data.entries) - late})"),
            (LATE, f"late: > {data.late_after_days} days ({late})")]
    parts = []
    for index, (colour, words) in enumerate(rows):
        y = TOP + 12 + index * 20
        parts += [svg.tag("circle", {"cx": x, "cy": y - 4, "r": 5, "fill": colour}), svg.text(x + 12, y, words)]
    return parts


def timeline_svg(data: Timeline, *, title: str, chart_id: str = "timeline", locale: Locale = "en") -> str:
    low, high = _domain(data)
    plot, late = _Plot(low, high), {e.position for e in data.late()}
    dots = [_dot(plot, e, e.position in late, locale) for e in sorted(data.entries, key=lambda e: e.position)]
    parts = [*_axes(plot, low, high, locale), *_guides(plot, low, high, data.late_after_days), *dots, *_legend(data)]
    return svg.document(LEFT + SIZE + RIGHT, TOP + SIZE + BOTTOM, title, chart_id, *parts)
