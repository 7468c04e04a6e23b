"""Signature blocks attributed by who signs: the ministry by its names over the years and by its
people's functions, a party by its names and its office holders; what the ledger would refuse
is refused first, naming the block."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from ledger.importer.clean import clean_text
from ledger.importer.model import ParsedDocument, ParseProblem
from ledger.importer.signatures import HINT, Signatures, read_signatures

Parse = Callable[[str], ParsedDocument]
PARTY_BLOCK = "Wetzlar, den 10.07.2024\nStephan Aurand\nKreisbeigeordneter\ndes Landkreises Lahn-Dill-Kreis"
MINISTRY_BLOCK = "Wiesbaden, den 1. 7. 2024\nHeike Hofmann\nStaatsministerin"


def signatures(text: str, party: str = "06532") -> Signatures:
    return read_signatures(clean_text(text).lines, party)


def who(found: Signatures) -> list[tuple[str, str, str, str, str]]:
    return [(s.side, s.organisation_code, s.signatory, s.function, s.organisation) for s in found.signatures]


@pytest.mark.parametrize(
    ("block", "function", "organisation"),
    [
        ("Stefan Muster\nHessischer Minister für Soziales und Integration",
         "Hessischer Minister für Soziales und Integration", ""),
        ("Heike Hofmann Heike Hofmann\nHessische Ministerin für Arbeit, Integration,\nJugend und Soziales",
         "Hessische Ministerin für Arbeit, Integration, Jugend und Soziales", ""),
        ("Dr. Max Beispiel\nStaatssekretär im Hessischen Ministerium für Soziales und Integration",
         "Staatssekretär", "im Hessischen Ministerium für Soziales und Integration"),
        ("Erika Muster\nAbteilungsleiterin\nHessisches Ministerium für Soziales und Integration",
         "Abteilungsleiterin", "Hessisches Ministerium für Soziales und Integration"),
        ("Erika Muster\nAbteilungsleiterin für Arbeit, Integration, Jugend und Soziales",
         "Abteilungsleiterin für Arbeit, Integration, Jugend und Soziales", ""),
        ("Stefan Muster\nHessischer Sozialminister", "Hessischer Sozialminister", ""),
        ("In Vertretung\nDr. Max Beispiel\nStaatssekretärin\nHMSI", "Staatssekretärin (In Vertretung)", "HMSI"),
    ],
)
def test_attributes_the_ministry_by_its_names_and_the_functions_of_its_people(
    block: str, function: str, organisation: str
) -> None:
    found = signatures(f"Wiesbaden, den 12.03.2018\n\n{block}\n\n{PARTY_BLOCK}")
    assert who(found)[0][:2] == ("ministry", "HMSI")
    assert who(found)[0][3:] == (function, organisation)
    assert found.problems == ()


@pytest.mark.parametrize(
    ("party", "block", "function", "organisation"),
    [
        ("06532", "Wolfgang Muster\nLandrat des Lahn-Dill-Kreises", "Landrat", "des Lahn-Dill-Kreises"),
        ("06611", "Anna Beispiel\nOberbürgermeisterin der Stadt Kassel", "Oberbürgermeisterin", "der Stadt Kassel"),
        ("06633", "Bernd Muster\nErster Kreisbeigeordneter\ndes Landkreises Kassel", "Erster Kreisbeigeordneter",
         "des Landkreises Kassel"),
        ("06413", "Paul Muster\nBürgermeister der Stadt Offenbach am Main", "Bürgermeister",
         "der Stadt Offenbach am Main"),
        ("06438", "Der Kreisausschuss des Kreises Offenbach\nPaula Muster\nKreisbeigeordnete", "Kreisbeigeordnete",
         "Der Kreisausschuss des Kreises Offenbach"),
        ("06435", "Erika Muster\nErste Kreisbeigeordnete\ndes Main - Kinzig - Kreises", "Erste Kreisbeigeordnete",
         "des Main-Kinzig-Kreises"),
        ("06414", "Klara Muster\nStadträtin\nMagistrat der Landeshauptstadt Wiesbaden", "Stadträtin",
         "Magistrat der Landeshauptstadt Wiesbaden"),
    ],
)
def test_attributes_a_party_by_its_names_and_its_office_holders(
    party: str, block: str, function: str, organisation: str
) -> None:
    found = signatures(f"{MINISTRY_BLOCK}\n\nOrt, den 10.07.2024\n{block}", party)
    assert who(found)[1][:2] == ("party", party)
    assert who(found)[1][3:] == (function, organisation)
    assert (found.warnings, found.problems) == ((), ())


def test_a_party_office_without_a_party_name_is_the_agreements_party_with_a_warning() -> None:
    found = signatures(f"{MINISTRY_BLOCK}\n\nWetzlar, den 10.07.2024\nWolfgang Muster\nLandrat")
    assert who(found)[1] == ("party", "06532", "Wolfgang Muster", "Landrat", "")
    assert [w.code for w in found.warnings] == ["signature-party-by-function"]


def test_reads_a_fuer_line_before_the_place_as_the_blocks_organisation() -> None:
    found = signatures(
        "Für das Hessische Ministerium für Soziales und Integration\n\nWiesbaden, den 5.3.19\n\nIn Vertretung\n"
        "Dr. Max Beispiel\nStaatssekretär\n\nFür den Landkreis Kassel\n\nKassel, den 8.3.2019\nUwe Muster\nLandrat",
        "06633",
    )
    assert who(found) == [
        ("ministry", "HMSI", "Dr. Max Beispiel", "Staatssekretär (In Vertretung)",
         "Für das Hessische Ministerium für Soziales und Integration"),
        ("party", "06633", "Uwe Muster", "Landrat", "Für den Landkreis Kassel"),
    ]
    assert found.signatures[0].signed_on == date(2019, 3, 5)
    assert [w.code for w in found.warnings] == ["signature-date-short-year"]


def test_lists_the_ministry_first_whatever_the_order_on_the_page(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2020-stadt-offenbach-earmarks.txt")
    ministry, party = document.signatures
    assert (ministry.side, ministry.signatory) == ("ministry", "Dr. Max Beispiel")
    assert ministry.function == "Staatssekretär"
    assert (ministry.signed_on, ministry.date_raw) == (date(2020, 6, 8), "8. 6. 2020")
    assert (party.side, party.organisation_code, party.place) == ("party", "06413", "Offenbach am Main")


def test_the_minister_signing_by_function_is_the_ministry_not_the_district(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2019-wetteraukreis-two-budgets.txt")
    ministry, party = document.signatures
    assert (ministry.side, ministry.organisation_code, ministry.signatory) == ("ministry", "HMSI", "Karl Beispiel")
    assert (ministry.function, ministry.organisation) == ("Hessischer Minister für Soziales und Integration", "")
    assert (party.side, party.organisation_code, party.function, party.organisation) == (
        "party", "06440", "Landrat", "des Wetteraukreises")
    assert party.place == "Friedberg (Hessen)"
    assert party.signed_on == date(2019, 3, 14)


def test_reads_the_sozialministerium_of_2012_by_its_ministers_function(parse_fixture: Parse) -> None:
    document = parse_fixture("zielvereinbarung-2012-marburg-biedenkopf-sozialministerium.txt")
    assert document.ministry_canonical_name == "Hessisches Sozialministerium"
    ministry, party = document.signatures
    assert (ministry.side, ministry.function, ministry.signed_on) == ("ministry", "Hessischer Sozialminister", None)
    assert (party.organisation_code, party.function) == ("06534", "Landrat")
    assert document.importable


def test_refuses_a_second_signature_for_the_same_side_naming_the_block() -> None:
    found = signatures(f"{MINISTRY_BLOCK}\n\nWetzlar, den 10.07.2024\nWolfgang Muster\nLandrat des "
                       f"Lahn-Dill-Kreises\n\n{PARTY_BLOCK}")
    assert found.problems == (
        ParseProblem(
            "the signature block 'Wetzlar, den 10.07.2024' (line 9)",
            "it is a second signature for the party (06532), after the signature block 'Wetzlar, den 10.07.2024' "
            "(line 5); each side signs an agreement once",
            HINT,
            9,
        ),
    )


def test_refuses_two_blocks_both_read_as_the_ministry() -> None:
    found = signatures(f"{MINISTRY_BLOCK}\n\nWiesbaden, den 2. 7. 2024\nDr. Max Beispiel\nStaatssekretär")
    assert [p.reason.split(";")[0] for p in found.problems] == [
        "it is a second signature for the ministry (HMSI), after the signature block 'Wiesbaden, den 1. 7. 2024' "
        "(line 1)"
    ]


def test_refuses_a_signature_for_another_party_than_the_agreements() -> None:
    found = signatures(f"{MINISTRY_BLOCK}\n\nKassel, den 10.07.2024\nBernd Muster\nErster Kreisbeigeordneter\n"
                       "des Landkreises Kassel", "06611")
    assert [(p.part, p.reason) for p in found.problems] == [(
        "the signature block 'Kassel, den 10.07.2024' (line 5)",
        "it is signed for Landkreis Kassel (06633), not for the agreement's party Stadt Kassel (06611)",
    )]


@pytest.mark.parametrize(
    ("block", "reason"),
    [
        ("Heike Hofmann", "it names neither the ministry nor a party (nothing but a name)"),
        ("Peter Muster\nGeschäftsführer\nJobcenter Lahn-Dill",
         "'Jobcenter Lahn-Dill' is neither the ministry nor one of the 26 parties"),
        ("Peter Muster\nHessischer Minister der Finanzen", "'der Finanzen' is neither the ministry nor one of the 26 "
         "parties"),
        ("Peter Muster\nHessischer Minister für Wirtschaft, Energie, Verkehr und Wohnen",
         "'Hessischer Minister für Wirtschaft, Energie, Verkehr und Wohnen' is not a function of the ministry "
         "responsible for the AQB"),
        ("Peter Muster\nBürgermeister der Stadt Gießen", "'der Stadt Gießen' is neither the ministry nor one of the "
         "26 parties"),
        ("Peter Muster\nStaatssekretär\ndes Lahn-Dill-Kreises",
         "its organisation is a party (06532) but 'Staatssekretär' is the ministry's"),
    ],
)
def test_refuses_a_block_that_does_not_say_who_signs_instead_of_guessing(block: str, reason: str) -> None:
    found = signatures(f"Wiesbaden, den 1. 7. 2024\n{block}\n\n{PARTY_BLOCK}")
    assert [(p.part, p.reason) for p in found.problems] == [
        ("the signature block 'Wiesbaden, den 1. 7. 2024' (line 1)", reason)
    ]
    assert [s.side for s in found.signatures] == ["party"]


SIDE_BY_SIDE = (
    "Wiesbaden, den 03.07.2023                         Wetzlar, den 12.07.2023\n"
    "\n"
    "Heike Hofmann                                     Stephan Aurand\n"
    "Staatsministerin                                  Kreisbeigeordneter\n"
    "Hessisches Ministerium für Arbeit,                des Landkreises Lahn-Dill-Kreis\n"
    "Integration, Jugend und Soziales\n"
)


@pytest.mark.parametrize("text", [
    SIDE_BY_SIDE,
    SIDE_BY_SIDE.replace("                         Wetzlar", "\t\tWetzlar"),  # a tab between the columns
    # the "Für …" lines above the places, the dates on the line below them, the party's block longer
    "Für das Land Hessen                              Für den Landkreis Lahn-Dill-Kreis\n"
    "Wiesbaden, den                                   Wetzlar, den\n"
    "03.07.2023                                       12.07.2023\n"
    "Heike Hofmann                                    Stephan Aurand\n"
    "Staatsministerin                                 Kreisbeigeordneter\n"
    "Hessisches Ministerium für Arbeit, Integration,   des Landkreises Lahn-Dill-Kreis\n"
    "Jugend und Soziales\n",
])
def test_reads_signature_blocks_set_side_by_side_as_two_blocks(text: str) -> None:
    found = signatures(text)
    assert [(s.side, s.organisation_code, s.signatory, s.function, s.place, s.signed_on.isoformat() if s.signed_on
             else None) for s in found.signatures] == [
        ("ministry", "HMSI", "Heike Hofmann", "Staatsministerin", "Wiesbaden", "2023-07-03"),
        ("party", "06532", "Stephan Aurand", "Kreisbeigeordneter", "Wetzlar", "2023-07-12")]
    assert found.problems == ()
    assert "signature-columns" in [w.code for w in clean_text(text).warnings]


def test_a_gap_in_a_line_that_is_not_two_signature_heads_is_left_as_it_is(seed_text: str) -> None:
    text = seed_text.replace("1.185.000 Euro", "1.185.000 Euro      (Vorjahr: 1.100.000 Euro)")
    assert "signature-columns" not in [w.code for w in clean_text(text).warnings]
    assert len(signatures(text).signatures) == 2


@pytest.mark.parametrize(
    ("place_line", "party", "place", "organisation"),
    [
        ("Bad Homburg v. d. Höhe, den 28.06.2019", "06434", "Bad Homburg v. d. Höhe", "des Hochtaunuskreises"),
        ("Bad Homburg v.d.Höhe, den 28.06.2019", "06434", "Bad Homburg v.d.Höhe", "des Hochtaunuskreises"),
        ("Limburg a. d. Lahn, den 28.06.2019", "06533", "Limburg a. d. Lahn", "des Landkreises Limburg-Weilburg"),
        ("Frankfurt a. M., den 28.06.2019", "06412", "Frankfurt a. M.", "der Stadt Frankfurt am Main"),
        ("Frankfurt am Main, 28. Juni 2019", "06412", "Frankfurt am Main", "der Stadt Frankfurt am Main"),
    ],
)
def test_reads_places_with_the_small_words_and_abbreviations_of_hessian_place_names(
    place_line: str, party: str, place: str, organisation: str
) -> None:
    found = signatures(f"{MINISTRY_BLOCK}\n\n{place_line}\nErika Muster\nLandrätin\n{organisation}", party)
    assert not found.problems
    assert [(s.side, s.place, s.signed_on, s.organisation) for s in found.signatures] == [
        ("ministry", "Wiesbaden", date(2024, 7, 1), ""),
        ("party", place, date(2019, 6, 28), organisation),
    ]


def test_a_date_of_month_and_year_starts_a_block_whose_day_is_left_empty_with_a_warning() -> None:
    found = signatures(f"Wiesbaden, im Juli 2024\nHeike Hofmann\nStaatsministerin\n\n{PARTY_BLOCK}")
    assert [(s.side, s.signed_on, s.date_raw) for s in found.signatures] == [
        ("ministry", None, "im Juli 2024"), ("party", date(2024, 7, 10), "10.07.2024")]
    assert [w.code for w in found.warnings] == ["signature-date-unreadable"]


def test_a_block_holding_what_reads_like_another_blocks_head_is_refused_not_run_together() -> None:
    found = signatures(f"{MINISTRY_BLOCK}\n\nWetzlar-Nord/Süd, den 10.07.2024\nStephan Aurand\nKreisbeigeordneter\n"
                       "des Landkreises Lahn-Dill-Kreis")
    assert ("it holds the line 'Wetzlar-Nord/Süd, den 10.07.2024', which reads like the place and date of another "
            "signature block, but its place is not one the importer reads; the two blocks would run together"
            ) in [p.reason for p in found.problems]
    assert not found.signatures[1:]  # the party's block is not taken as part of the ministry's


@pytest.mark.parametrize("written", ["Für das Land Hessen", "Für das Land Hessen:"])
def test_the_ministry_signs_for_the_state_of_hesse(written: str) -> None:
    found = signatures(f"{written}\n\nWiesbaden, den 22.06.2020\nKai Klose\nStaatsminister\n\n{PARTY_BLOCK}")
    assert who(found)[0] == ("ministry", "HMSI", "Kai Klose", "Staatsminister", written)


@pytest.mark.parametrize(
    ("lines", "name", "function"),
    [
        ("In Vertretung\n\nManuel Stock\n\nManuel Stock\nStaatssekretär", "Manuel Stock",
         "Staatssekretär (In Vertretung)"),
        ("i. V. Manuel Stock\nStaatssekretär", "Manuel Stock", "Staatssekretär (i. V.)"),
        ("gez. Heike Hofmann\nStaatsministerin", "Heike Hofmann", "Staatsministerin"),
    ],
)
def test_a_mark_of_representation_is_kept_with_the_function_not_in_the_name(lines: str, name: str,
                                                                            function: str) -> None:
    found = signatures(f"Wiesbaden, den 1. 7. 2024\n{lines}\nHessisches Ministerium für Arbeit, Integration, "
                       f"Jugend und Soziales\n\n{PARTY_BLOCK}")
    ministry = found.signatures[0]
    assert (ministry.signatory, ministry.function) == (name, function)
    assert ministry.organisation == "Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales"
