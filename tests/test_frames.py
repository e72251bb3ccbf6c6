"""Attribution frames, table-driven: each frame with sentences it must read and sentences it must not.

Every sentence is invented for the test. A row: text -> (speaker, a phrase the statement holds) of one of
its claims, or None when the text holds no claim at all.
"""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from bot.extract.claims import extract_claims
from bot.models import Article

FRAMES = {
    "reporting verbs, present and past": [
        ("Mayor Tove Lund says the city will hire 200 teachers.", ("Tove Lund", "200 teachers")),
        ("Mayor Tove Lund urges residents to save water for 40 days.", ("Tove Lund", "save water")),
        ("Mayor Tove Lund maintains that the budget of $3 million is enough.", ("Tove Lund", "$3 million")),
        ("Mayor Tove Lund stresses that 12 schools will stay open.", ("Tove Lund", "12 schools")),
        ("Analyst Anna Holm expects inflation to fall to 2% next year.", ("Anna Holm", "2%")),
        ("Analyst Anna Holm warned that 300 jobs could go.", ("Anna Holm", "300 jobs")),
        ("Analyst Anna Holm predicted a 4% rise in prices.", ("Anna Holm", "4% rise")),
        ("Analyst Anna Holm projects growth of 1.5% this year.", ("Anna Holm", "1.5%")),
        (
            "Coach Ida Berg described the season as the worst in 30 years.",
            ("Ida Berg", "the worst in 30 years"),
        ),
        ("Minister Ola Dahl pledged 500 new homes for the region.", ("Ola Dahl", "500 new homes")),
        ("Minister Ola Dahl mentioned that 12 parks would close.", ("Ola Dahl", "12 parks")),
        ("Minister Ola Dahl responded that 12 parks would close.", ("Ola Dahl", "12 parks")),
        ("Minister Ola Dahl was responding to comments made by 12 mayors.", None),
        ("Minister Ola Dahl made clear that 12 parks would close.", ("Ola Dahl", "12 parks would close")),
        ("It will take 3 years to clear the backlog, Mayor Ivo Lind has hinted.", ("Ivo Lind", "3 years")),
        ("Minister Ola Dahl made it clear on Monday that 12 parks would close.", ("Ola Dahl", "12 parks")),
        ("The Harbour Court made clear Monday that 12 ships must be moved.", ("Harbour Court", "12 ships")),
        ("The storm made roads unsafe, so 30 towns were cut off.", None),
        ("Minister Ola Dahl acknowledged that 30 projects were late.", ("Ola Dahl", "30 projects")),
        ("Minister Ola Dahl conceded that the plan would cost $8 million more.", ("Ola Dahl", "$8 million")),
        (
            "Minister Ola Dahl regretted that 15 villages were still without power.",
            ("Ola Dahl", "15 villages"),
        ),
        (
            "The Red Star Charity appealed for $2 million to rebuild the clinics.",
            ("Red Star Charity", "$2 million"),
        ),
    ],
    "occasions and carriers": [
        (
            "Chief executive Lea Moss said in a message to employees that 900 jobs would go.",
            ("Lea Moss", "900 jobs would go"),
        ),
        ("Chief executive Lea Moss said in a post on X that sales rose 7%.", ("Lea Moss", "sales rose 7%")),
        (
            "Unemployment rose to 6.1%, according to the Statistics Office's data.",
            ("Statistics Office", "6.1%"),
        ),
        ("The Statistics Office's figures showed 4,000 new jobs in May.", ("Statistics Office", "4,000")),
        (
            "Results announced by the Electoral Commission showed the party won 41% of the vote.",
            ("Electoral Commission", "41%"),
        ),
        ("The figures showed 4,000 new jobs in May.", None),  # data of no one named is no one's claim
        (
            "Polling firm Veritas released its results, which suggest that 38% back the mayor.",
            ("Veritas", "38% back the mayor"),
        ),
    ],
    "estimate: put ... at N": [
        ("Governor Lena Ruud put the damage from the storm at $40 million.", ("Lena Ruud", "at $40 million")),
        ("The rescue service put the number of missing at 17.", ("rescue service", "at 17")),
        ('Coach Emil Sandberg put them "somewhere near 30 goals" for the season.', ("Emil Sandberg", "30")),
        ("The workers put the boxes on the shelf.", None),
        ("The club put up 40 posters.", None),
    ],
    "appeal: urge, call on, tell ... to": [
        ("The fire brigade urged residents to stay indoors.", ("fire brigade", "urged residents to stay")),
        ("Mayor Ilse Dorn called on drivers to avoid the bridge.", ("Ilse Dorn", "avoid the bridge")),
        ("Prime Minister Aron Falk told people to remain calm.", ("Aron Falk", "told people to remain calm")),
        ("Nurse Ada Pell called the ward at noon.", None),
    ],
    "object: confirm, report, describe with an object": [
        ("The WHO on Monday confirmed 12 deaths in the province.", ("WHO", "confirmed 12 deaths")),
        ("Harbour Energy reported 300 outages across the coast.", ("Harbour Energy", "300 outages")),
        (
            'Analyst Rosa Lind described the quarter as "a clear disappointment".',
            ("Rosa Lind", "a clear disappointment"),
        ),
    ],
    "add: only with a clause or a quotation": [
        (
            "Inspector Hugo Malm added that 5 schools would reopen.",
            ("Hugo Malm", "5 schools would reopen"),
        ),
        ('"We are ready for the final match," coach Ivo Lund added.', ("Ivo Lund", "ready for the final")),
        ("The new plan adds $12 million for parks.", None),
    ],
    "names: '&' inside a name, acronyms as organisations": [
        ("Baker & Finch said 120 stores would close.", ("Baker & Finch", "120 stores")),
        ("UNICEF said 2,000 children were displaced.", ("UNICEF", "2,000 children")),
    ],
    "two speakers joined by 'and'": [
        (
            "Northgrid said 5,400 homes were dark and Eastline, a unit of Polar Power, said 900 were.",
            ("Northgrid", "5,400 homes were dark"),
        ),
    ],
    "parenthetical: '..., she said, ...'": [
        (
            "Mayor Lene Aas spoke to reporters. Waiting longer, she said on Monday, would cost the town "
            "$4 million.",
            ("Lene Aas", "Waiting longer would cost the town $4 million"),
        ),
        (
            'Judge Omar Rask opened the hearing. The new rules, he said, "will cut delays by 30%."',
            ("Omar Rask", "The new rules"),
        ),
    ],
    "clause split by the parser: what was said runs to its end": [
        (
            "Spokesman Karl Voss said the boats seized off the coast were carrying 2 tonnes of fuel.",
            ("Karl Voss", "were carrying 2 tonnes of fuel"),
        ),
        # ... but a second speaker's clause is not swallowed
        (
            "Inspector Lia Holm said 12 trails were shut while in the north, warden Ida Berg said 3 huts "
            "had burned.",
            ("Lia Holm", "12 trails were shut"),
        ),
    ],
    "relative clause: 'X, who said ..., did'": [
        (
            "Councillor Vik Borg, who said the levy would raise $2 million, voted against the plan.",
            ("Vik Borg", "the levy would raise $2 million"),
        ),
        ("The bridge, which opened in 1990, carries 40,000 cars a day.", None),
    ],
    "quoted as saying: the one quoted speaks, the one quoting relays": [
        (
            "The state news agency quoted the governor, Ali Mensah, as saying that 40 homes were lost.",
            ("Ali Mensah", "40 homes were lost"),
        ),
    ],
    "according to X, with other verbs in the sentence": [
        (
            "Sales fell short of the 9,000 units that traders had expected, according to analyst Lisa Roe, "
            "who called the year solid.",
            ("Lisa Roe", "9,000 units"),
        ),
    ],
    "a source inside what was said is not where it ends": [
        (
            "Governor Ivo Tamm said that, according to the reports he had, 14 villages were cut off.",
            ("Ivo Tamm", "14 villages were cut off"),
        ),
    ],
    "organisations by their kind of name": [
        (
            "The coastal emergency centre, known as Cemar, said 92 boats were missing.",
            ("coastal emergency centre", "92 boats"),
        ),
        (
            "Northern and Southern border agencies say 3,000 people crossed.",
            ("Northern and Southern border agencies", "3,000"),
        ),
    ],
    "a line wrapped inside a sentence": [
        (
            "Harbour Motors Corp\nsaid on Wednesday it would recall 40,000 cars.",
            ("Harbour Motors Corp", "40,000 cars"),
        ),
    ],
    "an outlet's report of what others said: the others speak, the outlet relays": [
        (
            "The Daily Ledger reported that two of the three judges had said the ban could not be shorter "
            "than 4 years.",
            ("two of the three judges", "4 years"),
        ),
        ("He made the remarks at a briefing on Tuesday, the state news agency reported.", None),
        ("Schools across the region assess their budgets every year.", None),
    ],
    "told after a briefing: the body that briefed speaks, the one told relays": [
        (
            '"There were 300 cases," lawmaker Ivo Park said after a closed-door session with the Health '
            "Agency.",
            ("Health Agency", "300 cases"),
        ),
        ('"There were 300 cases," lawmaker Ivo Park said after a long lunch.', ("Ivo Park", "300 cases")),
    ],
    "counts and measures: record, count, downgrade ... with a number": [
        ("The Refugee Council had recorded 6,815 new arrivals.", ("Refugee Council", "6,815")),
        (
            "The Seismic Survey Centre later downgraded the magnitude to 5.7.",
            ("Seismic Survey Centre", "to 5.7"),
        ),
        ("Northfield United recorded a 3-1 win over the visitors.", None),  # a result, not a statement
        # a count inside someone's words is theirs
        (
            "The region has now recorded 900 cases, the Health Agency said on Monday.",
            ("Health Agency", "900 cases"),
        ),
    ],
    "other frames": [
        (
            "The High Court made clear on Monday that 3 of the rules were void.",
            ("High Court", "3 of the rules were void"),
        ),
        (
            "The EU, the Trade Ministry continued, takes 40% of the country's exports.",
            ("Trade Ministry", "40% of the country's exports"),
        ),
    ],
    "a second speech verb after 'although' is a second claim": [
        (
            "Health chief Ana Moss said the list would fall, although she said she did not expect it to "
            "reach 9 million.",
            ("Ana Moss", "did not expect it to reach 9 million"),
        ),
    ],
    "speech inside a relative clause, by a named subject": [
        (
            "Heavy rain is due in the south-west, where the Met Office said up to 40 mm could fall.",
            ("Met Office", "40 mm could fall"),
        ),
        (
            "Health chief Ana Moss has hinted that the backlog will take 3 years to clear.",
            ("Ana Moss", "3 years"),
        ),
        ("The town, where 400 people live, flooded.", None),
        ("Mayor Ivo Lind hinted at new limits that the city could set on 3 roads.", None),
    ],
    "quotation that goes on": [
        (
            '"We lost 30 boats," fisherman Pavel Olsen said. "Nobody came to help."',
            ("Pavel Olsen", "Nobody came"),
        ),
    ],
    "a source's published material": [
        (
            "The fire burned 1,000 acres, according to information on the Pine Fire Service website.",
            ("Pine Fire Service", "1,000 acres"),
        ),
        ("The toll rose to 69, media reports said, citing officials.", ("officials", "69")),
        ("Earlier reports said 40 homes were lost.", None),
        ("The toll climbed to 69, according to media reports.", None),
        ("The toll climbed to 69, according to police reports.", ("police reports", "69")),
        ("Some 300 homes lost power, according to a post on social media.", None),
        ("A UN report said 300 children were displaced.", ("UN report", "300 children")),
    ],
    "a second named speaker after 'and', with words of their own": [
        (
            "Nordvik Power Corp said 375,400 homes were dark and Bay Electric said 36,600 had no power.",
            ("Bay Electric", "36,600"),
        ),
        (
            "Nordvik Power Corp said 375,400 homes were dark and Bay Electric said 36,600 had no power.",
            ("Nordvik Power Corp", "homes were dark."),
        ),
    ],
    "a quotation opened after a colon runs to the end of its paragraph": [
        (
            'Coach Ana Lind told the board: "We sold 300 tickets. Demand was phenomenal.\n\n"We will add 12 '
            'games."',
            ("Ana Lind", "Demand was phenomenal"),
        ),
    ],
    "a title standing for the person named before": [
        (
            'Rates will rise again, Deputy Governor Olga Lind said. "We raised the rate by 7.5 points," '
            "Tass quoted the Governor as saying.",
            ("Olga Lind", "7.5 points"),
        ),
    ],
    "a title with capitals held by someone named before": [
        (
            "Nordvik Chairman Ola Lind said 100 launches were done. The Nordvik Chairman also highlighted "
            "that 548 satellites were in orbit.",
            ("Ola Lind", "548 satellites"),
        ),
        ("The Nordvik Chairman said 300 people were freed.", None),
    ],
    "quoted as saying, active and passive": [
        ("Port official Ana Lind was quoted as saying that 300 containers were stuck.", ("Ana Lind", "300")),
        ("Ana Lind was quoted by Tass as saying 300 containers were stuck.", ("Ana Lind", "300 containers")),
    ],
    "a quotation of a whole clause needs no noun": [
        ('"They could be trapped, they could be dead by now," Ana Lind said.', ("Ana Lind", "could be dead")),
        ('"It is significant," Ana Lind said.', None),
    ],
    "a title after the words of what it heads": [
        ("Harbour Board Chairman Tom Hale said 12 ships were late.", ("Tom Hale", "12 ships")),
        ("Fire Chief Ana Lind said 40 homes burned.", ("Ana Lind", "40 homes")),
        ("General Motors said 300 cars were recalled.", ("General Motors", "300 cars")),
    ],
    "a question as a subheading before speech": [
        ("What did the council say?\n\nMayor Ana Lind said 300 homes were hit.", ("Ana Lind", "300 homes")),
        ("What did the council say?\n\nThe mayor said 300 homes were hit.", None),
    ],
    "'according to' whose source the parser lost, or whose data it is": [
        (
            "According to N.V. spokesman Ola Dahl, about 48,000 cars will also be recalled.",
            ("Ola Dahl", "48,000 cars"),
        ),
        (
            "According to Nordvik Statistics Bureau data released on Monday, sales fell 4%.",
            ("Nordvik Statistics Bureau", "sales fell 4%"),
        ),
    ],
    "a website as the source": [
        ("According to flightcount.com, 2,000 flights were cancelled.", ("flightcount.com", "2,000 flights")),
        ("Some 40,000 homes had no power, according to gridwatch.us.", ("gridwatch.us", "40,000 homes")),
        ("Readers can find 20 recipes at cookpage.com.", None),
    ],
    "quotation signed by its speaker": [
        ('"The bridge will reopen in May," Lina Osei, the city engineer.', ("Lina Osei", "reopen in May")),
        ('"The bridge will reopen in May," Lina Osei \u2013 City Engineer.', ("Lina Osei", "reopen in May")),
        ('"We will hire 300 staff." - Harbor Works Ltd', ("Harbor Works Ltd", "300 staff")),
        # the quoted paragraphs before the signature are the signer's, not the last speaker's
        (
            "The board counted 40% of the ballots, the agency said.\n\u201cWe ask all parties to stay calm.\n"
            "Turnout was low because of the rain,\u201d Lina Osei \u2013 Chief Returning Officer.",
            ("Lina Osei", "stay calm"),
        ),
        # no name after the quotation: nobody; a plain sentence after a dash is no signature
        ('"The bridge will reopen in May," the engineer.', None),
        ("The bridge will reopen in May - a relief for 300 commuters.", None),
    ],
}

CASES = [(frame, text, expected) for frame, rows in FRAMES.items() for text, expected in rows]


@pytest.mark.parametrize(("frame", "text", "expected"), CASES)
def test_frames(nlp: Language, frame: str, text: str, expected: tuple[str, str] | None) -> None:
    claims, _ = extract_claims(Article(id="t", text=text, published=date(2025, 5, 5)), nlp(text))
    if expected is None:
        assert claims == [], (frame, claims)
        return
    speaker, phrase = expected
    found = [(c.speaker, c.statement) for c in claims]
    assert any(s == speaker and phrase.lower() in t.lower() for s, t in found), (frame, found)
