"""How a figure reads in replies: '3,800 soldiers', 'more than 38,000 troops', '30,000-40,000 troops'."""

from __future__ import annotations

import re

from bot.models import Figure

_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}
_MONEY_WORDS = {"USD": "dollars", "EUR": "euros", "GBP": "pounds"}

# A word amount ending in one of these takes "of" before its noun: "thousands of troops", "a third of voters".
_OF_ENDING = re.compile(
    r"(?:dozens|scores|hundreds|thousands|millions|billions|half|halves|thirds?|quarters?|fifths?|sixths?|"
    r"sevenths?|eighths?|ninths?|tenths?)$",
    re.IGNORECASE,
)


def number_text(value: float) -> str:
    """3800.0 -> '3,800'; 0.25 -> '0.25'; 5900000000 -> '5.9 billion'."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(value) >= size and (value / size) * 10 == int((value / size) * 10):
            return f"{value / size:g} {word}"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _as_written(figure: Figure) -> str:
    """Vague amounts and fractions read better in their own words than as the range or ratio behind them."""
    words = " ".join(figure.text.split())
    if not figure.unit:
        return words
    noun = _MONEY_WORDS.get(figure.unit, figure.unit)
    return f"{words} of {noun}" if _OF_ENDING.search(words) else f"{words} {noun}"


def figure_text(figure: Figure) -> str:
    """The figure with its bound and unit, in the reader's terms."""
    written_in_words = not any(ch.isdigit() for ch in figure.text)
    if figure.value is None and written_in_words and figure.text.strip():
        return _as_written(figure)  # "thousands of soldiers", not "thousands 2,000-9,999 soldiers"
    if (
        figure.value is not None
        and 0 < abs(figure.value) < 1
        and figure.unit != "%"
        and figure.unit not in _SIGNS
        and not figure.text.strip().replace(",", "").replace(".", "", 1).isdigit()
    ):
        return _as_written(figure)  # "a quarter of troops", "3 out of 10 voters", not "0.25 troops"
    if figure.low is not None and figure.high is not None:
        amount = f"{number_text(figure.low)}-{number_text(figure.high)}"
    elif figure.value is not None:
        amount = number_text(figure.value)
    else:
        return figure.text
    unit = figure.unit or ""
    if unit == "%":
        amount, unit = amount + "%", ""
    elif unit in _SIGNS:
        if figure.value is not None and figure.value != int(figure.value) and abs(figure.value) < 1e6:
            amount = f"{figure.value:,.2f}"  # "$0.50", not "$0.5"
        amount, unit = _SIGNS[unit] + amount, ""
    parts = [figure.qualifier or "", amount, unit]
    return " ".join(p for p in parts if p)
