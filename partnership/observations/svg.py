"""The pattern page's pictures, drawn on the server as inline SVG: no JavaScript, no image
requests, readable on a 360 px phone (the picture scales to the width, ``svg { max-width:
100% }``) and in print.

- The **heatmap** stands upright: the seven weekdays are columns, the 24 hours rows, so that
  on a phone it is about as wide as the screen and its labels stay legible. Each cell has a
  ``<title>`` (its weekday, hour and count) and links to "make this a problem" when that page
  exists. Five shades of blue from light to dark (the darkest has 11:1 contrast on white,
  the lightest non-empty a 3:1 border), an empty cell white with a grey border; the legend
  gives each shade's range. Because its cells are links, the picture is a ``group`` (with
  its name from the heading), not an ``img``, whose children a screen reader never reaches.
- The **trend** is a bar per week with the 4- and 52-week averages as lines (``role="img"``,
  named and described); the table next to it has the same numbers.

Everything the templates show is built with ``format_html``/``escape``: counts and dates
only, but area names go into titles.
"""

from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .patterns import HOURS, WEEKDAYS, Heatmap, Trend

SHADES = ["#e3eef9", "#a9cbe9", "#5fa0d6", "#2c6fb0", "#0b3c73"]
EMPTY = "#ffffff"
BORDER = "#6b7280"  # 4.8:1 on white: the grid is visible where a cell is empty
TEXT = "#1b1b1b"
BAR = "#2c6fb0"
BAR_THIS_WEEK = "#0b3c73"
LINE_SHORT = "#b3261e"  # dark red, 6.5:1
LINE_LONG = "#1b1b1b"


def weekday_name(day: int) -> str:
    return [
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    ][day - 1]


def weekday_short(day: int) -> str:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")][day - 1]


def hour_label(hour: int) -> str:
    return f"{hour:02d}–{hour + 1:02d}"


def shade(count: int, maximum: int) -> int:
    """0 for an empty cell, else 1–5 (the fifth of the maximum it reaches)."""
    if count <= 0 or maximum <= 0:
        return 0
    return min(5, -(-count * 5 // maximum))


def shade_ranges(maximum: int) -> list[tuple[str, int, int]]:
    """(colour, lowest, highest count) of each shade in use, for the legend."""
    ranges = []
    for level in range(1, 6):
        low = (level - 1) * maximum // 5 + 1
        high = level * maximum // 5
        if maximum > 0 and low <= high:
            ranges.append((SHADES[level - 1], low, high))
    return ranges


def _n(value) -> str:
    return number_format(value, force_grouping=True)


def heatmap_svg(heatmap: Heatmap, *, labelledby: str, cell_url=None) -> SafeString:
    """The heatmap; ``cell_url(weekday, hour)`` gives each cell's link (or None)."""
    left, top, width, height = 48, 26, 40, 18
    grid_width = width * 7
    legend_top = top + height * 24 + 16
    ranges = shade_ranges(heatmap.maximum)
    total_width = left + grid_width + 4
    total_height = legend_top + 22 * ((len(ranges) + 2) // 3 + 1)
    parts = []
    for index, day in enumerate(WEEKDAYS):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12">{}</text>',
                left + index * width + width // 2,
                top - 8,
                weekday_short(day),
            )
        )
    for hour in HOURS:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>',
                left - 6,
                top + hour * height + 13,
                f"{hour:02d}",
            )
        )
    maximum = heatmap.maximum
    for index, day in enumerate(WEEKDAYS):
        for hour in HOURS:
            count = heatmap.count(day, hour)
            level = shade(count, maximum)
            title = _("%(day)s %(hours)s: %(count)s") % {
                "day": weekday_name(day),
                "hours": hour_label(hour),
                "count": _n(count),
            }
            rect = format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" '
                'stroke-width="1"><title>{}</title></rect>',
                left + index * width,
                top + hour * height,
                width,
                height,
                SHADES[level - 1] if level else EMPTY,
                BORDER if level <= 1 else "#ffffff",
                title,
            )
            url = cell_url(day, hour) if cell_url else None
            if url:
                label = _("%(cell)s. Make this a problem") % {"cell": title}
                rect = format_html('<a href="{}" aria-label="{}">{}</a>', url, label, rect)
            parts.append(rect)
    legend = [
        format_html(
            '<text x="0" y="{}" font-size="12">{}</text>', legend_top, _("Observations per hour:")
        )
    ]
    entries = [(EMPTY, "0")] + [
        (colour, _n(low) if low == high else f"{_n(low)}–{_n(high)}")
        for colour, low, high in ranges
    ]
    for index, (colour, text) in enumerate(entries):
        x = (index % 3) * 110
        y = legend_top + 10 + (index // 3) * 22
        legend.append(
            format_html(
                '<rect x="{}" y="{}" width="16" height="14" fill="{}" stroke="{}"/>'
                '<text x="{}" y="{}" font-size="12">{}</text>',
                x,
                y,
                colour,
                BORDER,
                x + 22,
                y + 12,
                text,
            )
        )
    return format_html(
        '<svg class="heatmap" role="group" aria-labelledby="{}" viewBox="0 0 {} {}" '
        'width="{}" height="{}" xmlns="http://www.w3.org/2000/svg" fill="{}" '
        'font-family="system-ui, sans-serif">{}{}</svg>',
        labelledby,
        total_width,
        total_height,
        total_width,
        total_height,
        TEXT,
        mark_safe("".join(parts)),  # noqa: S308 (each part built by format_html)
        mark_safe("".join(legend)),  # noqa: S308
    )


def trend_svg(trend: Trend, *, labelledby: str, describedby: str) -> SafeString:
    """A bar per week, this week darker; the averages as horizontal lines."""
    left, top, plot_width, plot_height = 40, 12, 300, 160
    weeks = trend.weeks
    maximum = max(trend.maximum, 1)
    step = plot_width / max(len(weeks), 1)
    bar = max(step * 0.8, 1)

    def y(value: float) -> float:
        return round(top + plot_height - value / maximum * plot_height, 1)

    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
        (
            (
                round(left + index * step, 1),
                y(total),
                round(bar, 1),
                round(top + plot_height - y(total), 1),
                BAR_THIS_WEEK if monday == trend.this_week_start else BAR,
                _("Week of %(date)s: %(count)s")
                % {"date": date_format(monday, "j F Y"), "count": _n(total)},
            )
            for index, (monday, total) in enumerate(weeks)
        ),
    )
    lines = format_html(
        '<line x1="{x1}" x2="{x2}" y1="{a}" y2="{a}" stroke="{c1}" stroke-width="2" '
        'stroke-dasharray="6 3"/>'
        '<line x1="{x1}" x2="{x2}" y1="{b}" y2="{b}" stroke="{c2}" stroke-width="2"/>',
        x1=left,
        x2=left + plot_width,
        a=y(trend.average_short),
        b=y(trend.average_long),
        c1=LINE_SHORT,
        c2=LINE_LONG,
    )
    axis = format_html(
        '<line x1="{l}" x2="{l}" y1="{t}" y2="{b}" stroke="{c}"/>'
        '<line x1="{l}" x2="{r}" y1="{b}" y2="{b}" stroke="{c}"/>'
        '<text x="{lx}" y="{ty}" text-anchor="end" font-size="11">{max}</text>'
        '<text x="{lx}" y="{by}" text-anchor="end" font-size="11">0</text>'
        '<text x="{l}" y="{dy}" font-size="11">{first}</text>'
        '<text x="{r}" y="{dy}" text-anchor="end" font-size="11">{last}</text>',
        l=left,
        r=left + plot_width,
        t=top,
        b=top + plot_height,
        c=BORDER,
        lx=left - 4,
        ty=top + 8,
        by=top + plot_height,
        dy=top + plot_height + 16,
        max=_n(round(maximum)),
        first=date_format(weeks[0][0], "j M") if weeks else "",
        last=date_format(weeks[-1][0], "j M") if weeks else "",
    )
    legend_y = top + plot_height + 36
    legend = format_html(
        '<rect x="0" y="{y0}" width="14" height="12" fill="{bar}"/>'
        '<text x="20" y="{t0}" font-size="12">{weeks}</text>'
        '<rect x="180" y="{y0}" width="14" height="12" fill="{this}"/>'
        '<text x="200" y="{t0}" font-size="12">{this_week}</text>'
        '<line x1="0" x2="14" y1="{l1}" y2="{l1}" stroke="{c1}" stroke-width="2" '
        'stroke-dasharray="6 3"/><text x="20" y="{t1}" font-size="12">{short}</text>'
        '<line x1="180" x2="194" y1="{l1}" y2="{l1}" stroke="{c2}" stroke-width="2"/>'
        '<text x="200" y="{t1}" font-size="12">{long}</text>',
        y0=legend_y,
        t0=legend_y + 11,
        l1=legend_y + 26,
        t1=legend_y + 30,
        bar=BAR,
        this=BAR_THIS_WEEK,
        c1=LINE_SHORT,
        c2=LINE_LONG,
        weeks=_("Observations per week"),
        this_week=_("This week"),
        short=_("4-week average"),
        long=_("52-week average"),
    )
    width, height = left + plot_width + 20, legend_y + 40
    return format_html(
        '<svg class="trend" role="img" aria-labelledby="{}" aria-describedby="{}" '
        'viewBox="0 0 {} {}" width="{}" height="{}" xmlns="http://www.w3.org/2000/svg" '
        'fill="{}" font-family="system-ui, sans-serif">{}{}{}{}</svg>',
        labelledby,
        describedby,
        width,
        height,
        width,
        height,
        TEXT,
        axis,
        bars,
        lines,
        legend,
    )
