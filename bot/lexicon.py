"""The one lexicon of reporting language: verbs of saying and their forms, titles, and the nouns that
make a phrase an organisation.

Extraction reads lemmas off the parse, question parsing and text cleaning read surface words; all three take
their verbs from here, so a verb added once is understood everywhere. Plain data and one inflection helper:
no spaCy, so the question path can import it cheaply.
"""

from __future__ import annotations

import re

#: Verbs that report speech, a stated estimate or a stated expectation, as lemmas.
REPORTING_VERBS = frozenset(
    """
    say tell report add write claim state announce estimate describe confirm warn note insist argue
    explain acknowledge deny predict post tweet stress emphasize emphasise assert reveal disclose
    allege suggest admit indicate forecast declare reiterate concede testify comment reply caution
    vow pledge promise inform assess calculate show find expect project conclude notify urge maintain
    regret signal call appeal mention highlight respond
    """.split()
)

#: Verbs whose report is about a future or a number the speaker works out: they never need a quote.
EXPECTATION_VERBS = frozenset("expect predict forecast project estimate anticipate".split())

#: "call on X to ...", "appeal for ...": speech only with these particles or prepositions after them.
NEEDS_PARTICLE = {"call": frozenset({"on", "for"}), "appeal": frozenset({"for", "to"})}

#: Verbs that go on with what the same speaker said just before: "he added", "she reiterated".
CONTINUING_VERBS = frozenset({"add", "reiterate", "continue"})

#: Forms English does not build by rule.
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "written", "writing"),
    "speak": ("speaks", "spoke", "spoken", "speaking"),
    "find": ("finds", "found", "finding"),
    "show": ("shows", "showed", "shown", "showing"),
    "put": ("puts", "put", "putting"),
    "give": ("gives", "gave", "given", "giving"),
    "think": ("thinks", "thought", "thinking"),
    "forecast": ("forecasts", "forecast", "forecasted", "forecasting"),
}


def inflections(lemma: str) -> tuple[str, ...]:
    """Every written form of a verb: 'warn' -> warn, warns, warned, warning."""
    if lemma in _IRREGULAR:
        return (lemma, *_IRREGULAR[lemma])
    if lemma.endswith("e"):
        return lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"
    if re.search(r"[^aeiou]y$", lemma):
        return lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"
    if re.search(r"(?:s|sh|ch|x|z)$", lemma):
        return lemma, lemma + "es", lemma + "ed", lemma + "ing"
    if re.search(r"(?:^|[^aeiou])[aeiou][bdgmnpt]$", lemma) and lemma not in ("visit", "edit"):
        return lemma, lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"
    return lemma, lemma + "s", lemma + "ed", lemma + "ing"


def forms_of(lemmas: frozenset[str] | set[str]) -> frozenset[str]:
    """The written forms of a set of verbs."""
    return frozenset(form for lemma in lemmas for form in inflections(lemma))


#: Every written form of a reporting verb, for code that reads words rather than a parse.
REPORTING_FORMS = forms_of(REPORTING_VERBS)


#: Words of a title or role that precede a person's name ("Mayor", "Commander-in-Chief", "spokesperson").
TITLE_WORDS = frozenset(
    """
    president vice prime minister premier chancellor secretary general gen gen. lt lt. col col. maj
    maj. commander chief commander-in-chief in mayor governor gov gov. senator sen sen. rep rep.
    representative spokesperson spokesman spokeswoman director ceo chairman chairwoman chair head
    leader dr dr. mr mr. mrs mrs. ms ms. prof prof. professor ambassador judge justice king queen
    prince princess pope president-elect elect deputy acting former top foreign defense defence
    finance interior economy health justice national security council adviser advisor analyst
    economist officer colonel captain lieutenant sergeant admiral marshal speaker founder executive
    chief-executive envoy sheikh emir chairperson governor-general attorney auditor comptroller
    treasurer commissioner superintendent inspector coach manager minister-president state army
    military navy air force officials official lawmaker legislator mp congressman congresswoman
    councillor councilor councilman councilwoman assemblyman assemblywoman shri smt sri sir dame capt
    capt. cmdr cmdr. sgt sgt. cpl cpl. pvt pvt. adm adm. brig brig. supt supt. insp insp.
    """.split()
)

#: What a minister is minister of: "Minister for Agriculture P. Prasad" is P. Prasad.
PORTFOLIOS = frozenset(
    """
    agriculture health finance defence defense education energy transport tourism culture justice interior
    labour labor environment trade industry commerce housing science technology fisheries affairs power
    railways water sport sports youth welfare development planning information communications mines
    """.split()
)

#: Speakers news names by their institution alone, with no one named before: "the police said".
INSTITUTIONS = frozenset("police army military government navy coastguard prosecution judiciary".split())

#: Words of courtesy before a name, which say nothing of what the person does: never a role.
HONORIFICS = frozenset("mr mrs ms miss dr prof shri smt sri sir dame".split())

#: Head nouns of an organisation's name.
ORG_WORDS = frozenset(
    """
    ministry house council forces force agency office department bank company corporation corp inc
    ltd plc group service services police army navy command court commission committee party
    government parliament university institute authority administration pentagon kremlin nato un
    bureau board union federation association organisation organization fund agency's network
    newspaper media outlet press times post journal news tv television radio channel agency guard
    guards staff headquarters directorate cabinet senate congress assembly embassy mission economist
    reuters bloomberg interfax body regulator watchdog brigade centre center district county municipality
    city school
    """.split()
)

#: Nouns by which news refers back to a company named before ("the company said").
COMPANY_WORDS = frozenset(
    """
    company firm group carrier airline retailer lender insurer automaker carmaker maker manufacturer
    producer operator developer chain giant conglomerate startup business
    """.split()
)
