"""The chart as a PNG: each speaker's claimed figures over time, ranges as bars, every point labelled.

matplotlib's object API with the Agg canvas, never pyplot: no global state, no display, safe to call from
the bot's worker threads. Pure apart from returning bytes.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure

from bot.chart import Chart
from bot.render import number_text

CAPTION_LIMIT = 1024  # Telegram's limit for a photo caption
_LABEL_CHARS = 28
_WIDTH, _HEIGHT, _DPI = 9.0, 5.0, 120


def draw(chart: Chart) -> bytes:
    """PNG bytes of the chart."""
    figure = Figure(figsize=(_WIDTH, _HEIGHT), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for speaker in chart.speakers:
        own = [p for p in chart.points if p.speaker == speaker]
        days = [date2num(p.day) for p in own]
        middles = [(p.low + p.high) / 2 for p in own]
        (line,) = axes.plot(days, middles, marker="o", linestyle="-" if len(own) > 1 else "", label=speaker)
        for p, x in zip(own, days, strict=True):
            if p.high != p.low:
                axes.vlines(x, p.low, p.high, colors=line.get_color(), linewidth=6, alpha=0.35)
            label = p.label if len(p.label) <= _LABEL_CHARS else p.label[: _LABEL_CHARS - 1] + "…"
            axes.annotate(label, (x, p.high), textcoords="offset points", xytext=(4, 6), fontsize=8)
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.set_ylabel(chart.counts)
    axes.yaxis.set_major_formatter(lambda value, _: number_text(value))
    axes.set_ylim(bottom=0)
    axes.set_title(chart.title)
    axes.grid(alpha=0.3)
    axes.legend(loc="best", fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def caption(chart: Chart) -> str:
    """Plain text under the picture: what it shows and the outlets the figures came from."""
    speakers = len(chart.speakers)
    text = (
        f"{chart.title}: {len(chart.points)} figures from {speakers} "
        f"{'speaker' if speakers == 1 else 'speakers'}, by the day they were said."
    )
    if chart.outlets:
        text += "\nSources: " + ", ".join(chart.outlets)
    return text if len(text) <= CAPTION_LIMIT else text[: CAPTION_LIMIT - 1] + "…"
