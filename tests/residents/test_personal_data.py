"""partnership.personal_data: each kind of personal data found, with its reason; ordinary
text with numbers (counts, years, times, postcodes, dates) passes."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from partnership.personal_data import find_personal_data, luhn_valid, validate_no_personal_data


def kinds(text: str) -> list[str]:
    with translation.override("en"):
        reasons = find_personal_data(text)
    found = []
    for reason in reasons:
        for word in ("identity number", "phone number", "e-mail address", "licence plate"):
            if word in reason:
                found.append(word)
    assert len(found) == len(reasons), reasons
    return found


@pytest.mark.parametrize(
    "text",
    [
        "121212-1212",
        "Han heter 19121212-1212 i registret",
        "1212121212",
        "121212+1212",  # over 100 years old
        "121212 1212",
        "701063-2391",  # samordningsnummer: the day plus 60
        "19701063-2391",
    ],
)
def test_personal_identity_numbers_are_found(text):
    assert "identity number" in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "121212-1213",  # wrong check digit
        "ordernummer 1234567890",  # no date, no check digit
        "991332-1234",  # month 13
        "konto 5512345678",
    ],
)
def test_ten_digit_numbers_that_are_no_personal_identity_number_pass(text):
    assert "identity number" not in kinds(text)


def test_the_luhn_check():
    assert luhn_valid("8112189876")
    assert not luhn_valid("8112189875")


@pytest.mark.parametrize(
    "text",
    [
        "ring 070-123 45 67",
        "0701234567",
        "073-1234567",
        "08-123 456 78",
        "08 12 34 56",
        "+46 70 123 45 67",
        "+46701234567",
        "+46 (0)8 123 45 67",
        "0046 8 123 45 67",
        "0176-123 45",
    ],
)
def test_swedish_phone_numbers_are_found(text):
    assert kinds(text) == ["phone number"]


@pytest.mark.parametrize("text", ["a.b@example.se", "skriv till kalle_99+spam@mail.example.org!"])
def test_email_addresses_are_found(text):
    assert kinds(text) == ["e-mail address"]


@pytest.mark.parametrize("text", ["ABC 123", "bilen ABC123 stod där", "ABC 12A", "XYZ12B."])
def test_licence_plates_are_found(text):
    assert kinds(text) == ["licence plate"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "30 personer samlades vid torget",
        "Det har varit så sedan 2024",
        "Mest 21–24 på fredagar",
        "kl 21-24 och ibland 07-09",
        "Vårby allé 9, 143 40 Vårby",
        "Buss 865 och 172 stannar här",
        "Hände 2024-05-01 kl 08-10",
        "Ungefär 0,5 km från stationen",
        "Klockan 07.00 varje morgon",
        "Vid E4/E20",
        "KPI 100 och LSS",  # no I on plates
        "1 000 000 kr i skadegörelse",
        "port 12, trappa 3, 3 tr",
        "mellan 22 och 02",
        "abc 123",  # plates are written in capitals
        "Mejla inte, @torget på Instagram",
    ],
)
def test_ordinary_text_with_numbers_passes(text):
    assert kinds(text) == []


def test_several_kinds_give_each_reason_once_in_order():
    text = "070-123 45 67, 121212-1212, a@example.se, ABC 123, 0708-11 22 33"
    assert kinds(text) == ["identity number", "phone number", "e-mail address", "licence plate"]


def test_the_reasons_are_translated():
    with translation.override("sv"):
        (reason,) = find_personal_data("ring 070-123 45 67")
    assert "telefonnummer" in reason


def test_the_validator_refuses_with_every_reason():
    validate_no_personal_data("Mörkt vid trappan efter 22")
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        validate_no_personal_data("a@example.se ABC 123")
    assert len(refused.value.messages) == 2
    assert {error.code for error in refused.value.error_list} == {"personal_data"}
