"""How a figure reads in replies: '3,800 soldiers', 'more than 38,000 troops', '30,000-40,000 troops'."""

from __future__ import annotations

from bot.models import Figure


def number_text(value: float) -> str:
    """3800.0 -> '3,800'; 0.25 -> '0.25'; 5900000000 -> '5.9 billion'."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(value) >= size and (value / size) * 10 == int((value / size) * 10):
            return f"{value / size:g} {word}"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def figure_text(figure: Figure) -> str:
    """The figure with its bound and unit, in the reader's terms."""
    if figure.low is not None and figure.high is not None:
        amount = f"{number_text(figure.low)}-{number_text(figure.high)}"
    elif figure.value is not None:
        amount = number_text(figure.value)
    else:
        return figure.text
    unit = figure.unit or ""
    if unit == "%":
        amount, unit = amount + "%", ""
    elif unit in ("USD", "EUR", "GBP"):
        amount, unit = {"USD": "$", "EUR": "€", "GBP": "£"}[unit] + amount, ""
    parts = [figure.qualifier or "", amount, unit]
    return " ".join(p for p in parts if p)
