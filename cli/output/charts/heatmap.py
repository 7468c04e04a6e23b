"""Chart (c): the statewide matrix, parties × obligations, one coloured cell per status.

Each cell also says its status in words (colour is never the only signal)."""

from __future__ import annotations

from cli.output.charts import svg
from cli.output.charts.data import NO_AGREEMENT, StatusMatrix

CELL_W, CELL_H = 64, 22
NAME_W = 230
HEAD_H = 120
LEGEND_H = 40
COLOURS = {"PASS": ("#cfe8d5", "#1e5c31"), "FAIL": ("#f6c9c6", "#8a1f17"), "PENDING": ("#fbe7b0", "#6b4e00"),
           "N/A": ("#e6e6e6", "#555555"), NO_AGREEMENT: ("#8c8c8c", "#ffffff")}
SHORT = {"PENDING": "PEND", NO_AGREEMENT: "none"}


def _cell(x: int, y: int, party: str, obligation: str, status: str) -> str:
    fill, ink = COLOURS.get(status, ("#ffffff", "#000000"))
    return svg.tag(
        "g", {"class": "cell", "data-status": status},
        svg.tag("rect", {"x": x, "y": y, "width": CELL_W - 2, "height": CELL_H - 2, "fill": fill},
                svg.tooltip(f"{party} · {obligation}: {status}")),
        svg.text(x + (CELL_W - 2) // 2, y + 15, SHORT.get(status, status), text_anchor="middle", font_size=10,
                 fill=ink),
    )


def _headers(data: StatusMatrix) -> list[str]:
    parts = []
    for index, obligation in enumerate(data.obligations):
        x, y = NAME_W + index * CELL_W + CELL_W // 2, HEAD_H - 6
        parts.append(svg.text(0, 0, obligation, font_size=11, transform=f"translate({x} {y}) rotate(-40)",
                              class_="obligation"))
    return parts


def _legend(data: StatusMatrix, top: int) -> list[str]:
    parts, x = [], NAME_W
    for status, count in data.counts().items():
        fill, _ = COLOURS.get(status, ("#ffffff", "#000000"))
        words = f"{status} ({count})"
        parts += [svg.tag("rect", {"x": x, "y": top + 12, "width": 14, "height": 14, "fill": fill, "stroke": "#666"}),
                  svg.text(x + 19, top + 24, words, font_size=11)]
        x += 34 + 7 * len(words)
    return parts


def matrix_svg(data: StatusMatrix, *, title: str, chart_id: str = "matrix") -> str:
    """A heat map: one row per party (AGS and name), one column per obligation, a legend with counts."""
    cells: list[str] = []
    for row_index, row in enumerate(data.rows):
        y = HEAD_H + row_index * CELL_H
        cells.append(svg.text(NAME_W - 8, y + 15, f"{row.party} {row.name}", text_anchor="end", font_size=11))
        cells += [_cell(NAME_W + i * CELL_W, y, f"{row.party} {row.name}", o, row.status(o))
                  for i, o in enumerate(data.obligations)]
    bottom = HEAD_H + CELL_H * len(data.rows)
    width = NAME_W + CELL_W * len(data.obligations) + 90
    return svg.document(width, bottom + LEGEND_H, title, chart_id, *_headers(data), *cells, *_legend(data, bottom))
