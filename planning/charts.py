"""Bar charts as SVG geometry, drawn by templates/planning/_bar_chart.html.

Server-side so the page needs no chart library; colours come from the stylesheet's variables,
so the chart follows the light and dark themes. The numbers are also in a table next to it.
"""

import math

WIDTH, HEIGHT = 640, 200
LEFT, BOTTOM, TOP = 44, 24, 8  # room for the y labels, the x labels and the top tick
MAX_X_LABELS = 8
DATE_FORMATS = {"day": "%b %-d", "week": "%b %-d", "month": "%b %Y"}


def bars(trend: list[dict], key: str, bucket: str) -> dict:
    """``{"width", "height", "bars": [...], "ticks": [...], "empty"}`` for one series."""
    values = [row[key] for row in trend]
    top = _nice_ceiling(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(values), 1)
    every = max(1, math.ceil(len(values) / MAX_X_LABELS))
    shapes = []
    for index, row in enumerate(trend):
        height = plot_h * row[key] / top if top else 0
        label = row["start"].strftime(DATE_FORMATS[bucket])
        shapes.append(
            {
                "x": round(LEFT + index * step + step * 0.15, 1),
                "y": round(TOP + plot_h - height, 1),
                "w": round(max(step * 0.7, 1), 1),
                "h": round(height, 1),
                "value": row[key],
                "label": label,
                "show_label": index % every == 0,
                "label_x": round(LEFT + index * step + step / 2, 1),
            }
        )
    ticks = [
        {"value": round(top * i / 4), "y": round(TOP + plot_h - plot_h * i / 4, 1)}
        for i in range(5)
    ]
    return {
        "key": key,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "baseline": TOP + plot_h,
        "label_y": HEIGHT - 6,
        "bars": shapes,
        "ticks": ticks if top else [],
        "empty": not any(values),
    }


def _nice_ceiling(value: int) -> int:
    """1, 2, 5 or 10 times a power of ten at or above ``value`` (0 stays 0)."""
    if value <= 0:
        return 0
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 5, 10):
        if value <= factor * power:
            return max(factor * power, 4)
    return 10 * power
