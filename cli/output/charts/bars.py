"""Chart (a): an agreement's money through its stages, one horizontal bar per stage."""

from __future__ import annotations

from decimal import Decimal

from cli.output.charts import svg
from cli.output.charts.data import MoneyStages
from cli.output.locale import Locale, money

WIDTH = 720
ROW = 30
TOP = 16
LABEL_W = 110
VALUE_W = 150
BAR_H = 18
COLOURS = {"reclaimed": "#b23b3b", "paid": "#2f6f9f", "proven": "#3d8b5a"}
DEFAULT_COLOUR = "#5b7fa6"


def _bar(index: int, stage: str, amount: Decimal | None, top: Decimal, locale: Locale, currency: str) -> str:
    y = TOP + index * ROW
    span = WIDTH - LABEL_W - VALUE_W
    parts = [svg.text(LABEL_W - 8, y + 13, stage, text_anchor="end", class_="stage")]
    if amount is None:
        parts.append(svg.text(LABEL_W, y + 13, "not reached", class_="missing", fill="#777", font_style="italic"))
        return svg.tag("g", {"class": "bar missing", "data-stage": stage}, *parts)
    length = svg.scale(amount, Decimal(0), top, 0, span) if top > 0 else Decimal(0)
    shown = f"{money(amount, locale)} {currency}"
    parts += [
        svg.tag("rect", {"x": LABEL_W, "y": y, "width": max(length, Decimal(1)), "height": BAR_H,
                         "fill": COLOURS.get(stage, DEFAULT_COLOUR)}, svg.tooltip(f"{stage}: {shown}")),
        svg.text(LABEL_W + length + 6, y + 13, shown, class_="value"),
    ]
    return svg.tag("g", {"class": "bar", "data-stage": stage, "data-amount": f"{amount:.2f}"}, *parts)


def money_stages_svg(data: MoneyStages, *, title: str, chart_id: str = "money-stages", locale: Locale = "en") -> str:
    """Bars scaled to the largest amount; a stage not reached says so instead of drawing zero."""
    reached = data.reached()
    top = max((a for _, a in reached if a is not None), default=Decimal(0))
    height = TOP * 2 + ROW * len(reached)
    axis = svg.tag("line", {"x1": LABEL_W, "y1": TOP - 4, "x2": LABEL_W, "y2": height - TOP + 4,
                            "stroke": "#444", "stroke-width": 1})
    bars = [_bar(i, stage, amount, top, locale, data.currency) for i, (stage, amount) in enumerate(reached)]
    return svg.document(WIDTH, height, title, chart_id, *bars, axis)
