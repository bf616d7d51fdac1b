"""Personal data in free text: found before it is saved, refused with the reason.

The portal describes places, not people (docs/design.md). Wherever anyone may type free text
that others will read — a resident's report, later a comment — the text is checked for the
personal data a person most often types by mistake or on purpose:

- Swedish **personnummer** and **samordningsnummer**: ten or twelve digits (``YYMMDD-NNNN``,
  ``YYYYMMDDNNNN``, with ``-``, ``+`` or a space, or without a separator), a possible date
  (a samordningsnummer adds 60 to the day) and a correct **Luhn** check digit. The check digit
  is what keeps ordinary ten-digit numbers (an order number, a sum) from being refused: only
  about one in ten random numbers passes it, and only those with a date in them.
- **Phone numbers** in Swedish formats: ``070-123 45 67``, ``0701234567``, ``08-123 456 78``,
  ``+46 70 123 45 67``, ``0046 8 123 45 67`` — a leading ``0`` (or ``+46``/``0046``) and,
  counting the digits after the ``0``, 7 to 9 of them. Times ("21–24"), years, counts
  ("30 personer") and postcodes ("143 40") do not start with ``0`` or are too short.
- **E-mail addresses**: ``name@domain.tld``.
- **Swedish licence plates**: three letters and three digits, or three letters, two digits
  and a letter (``ABC 123``, ``ABC12A``), in capitals, with or without a space. The letters
  I, Q, V, Å, Ä and Ö are never used on plates, which keeps ordinary words out.

:func:`find_personal_data` returns the reasons (translated, one per kind found);
:func:`validate_no_personal_data` is a Django validator for a form field or a model field.
Nothing here stores or logs the text.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Digits with optional separators between the date and the last four digits.
_PERSONAL_NUMBER = re.compile(
    r"(?<![\d-])(?P<century>\d{2})?(?P<date>\d{6})\s?(?P<sep>[-+]?)\s?(?P<last>\d{4})(?![\d-])"
)
# A Swedish phone number: +46 / 0046 / 0, then groups of digits separated by single spaces or
# hyphens (the area code may stand in brackets). Length is checked on the digits afterwards.
_PHONE = re.compile(r"(?<![\w+])(?:\+46|0046|0)[\s-]?\(?0?\d{1,3}\)?(?:[\s-]?\d{1,4}){1,5}(?![\w])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w])")
# Plates: no I, Q, V, Å, Ä, Ö (Transportstyrelsen); the last position a digit or a letter.
_PLATE = re.compile(r"(?<![\wÅÄÖåäö])[A-HJ-PR-UW-Z]{3} ?\d{2}[\dA-HJ-PR-UW-Z](?![\wÅÄÖåäö])")


def luhn_valid(digits: str) -> bool:
    """The Luhn check (mod 10) used by personnummer, over the ten digits YYMMDDNNNC."""
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _possible_date(century: str | None, date: str) -> bool:
    """YYMMDD (with its century if given) is a date; a samordningsnummer's day is plus 60."""
    year, month, day = int(date[:2]), int(date[2:4]), int(date[4:6])
    if day > 60:
        day -= 60
    if century is not None and century not in ("18", "19", "20"):
        return False
    years = [int(century) * 100 + year] if century else [1900 + year, 2000 + year]
    for full_year in years:
        try:
            dt.date(full_year, month, day)
        except ValueError:
            continue
        return True
    return False


def _has_personal_number(text: str) -> bool:
    for match in _PERSONAL_NUMBER.finditer(text):
        century, date, last = match["century"], match["date"], match["last"]
        if _possible_date(century, date) and luhn_valid(date + last):
            return True
    return False


def _has_phone_number(text: str) -> bool:
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits.startswith("0046"):
            national = digits[4:]
        elif digits.startswith("46") and match.group().startswith("+"):
            national = digits[2:]
        else:
            national = digits[1:]  # after the leading 0
        national = national.removeprefix("0")  # +46 (0)8 …
        if 7 <= len(national) <= 9:
            return True
    return False


def find_personal_data(text: str) -> list[str]:
    """Why the text may not be saved: one translated reason per kind of personal data found
    (personal identity number, phone number, e-mail address, licence plate), in that order.
    An empty list when none is found."""
    if not text:
        return []
    reasons = []
    if _has_personal_number(text):
        reasons.append(
            _(
                "It contains what looks like a personal identity number (personnummer or "
                "samordningsnummer). Leave it out: describe the place, not a person."
            )
        )
    if _has_phone_number(text):
        reasons.append(
            _("It contains what looks like a phone number. Leave it out: nobody will call back.")
        )
    if _EMAIL.search(text):
        reasons.append(
            _("It contains what looks like an e-mail address. Leave it out: nobody will answer.")
        )
    if _PLATE.search(text):
        reasons.append(
            _(
                "It contains what looks like a licence plate. Leave it out: describe the place, "
                "not a vehicle or its owner."
            )
        )
    return reasons


def validate_no_personal_data(value: str) -> None:
    """A Django validator: refuses text with personal data, giving every reason found."""
    reasons = find_personal_data(value)
    if reasons:
        raise ValidationError([ValidationError(r, code="personal_data") for r in reasons])


# --- Named persons ---------------------------------------------------------------------------
#
# A name is harder to tell from other words than a number is, so only patterns that say
# "this is a person's name" are refused (added for observations, issue 15; the resident form
# does not use it yet):
#
# - a word that introduces a name — "heter", "som heter", "kallas", "vid namn", "named",
#   "called" — followed by a capitalised word: "en kille som heter Kalle";
# - a word for one person — "killen", "tjejen", "pojken", "flickan", "mannen", "kvinnan",
#   "grabben", "the guy", "the girl" … — followed directly by a capitalised word:
#   "killen Ahmed", "tjejen Sara Ek";
# - a capitalised word (or two) followed by an age in brackets: "Kalle Andersson (15)",
#   "Sara (9 år)" (one digit only with "år": "Torget (3)" counts three);
# - a capitalised first name followed by a capitalised surname of a common Swedish form
#   (-sson, -son, -berg, -ström, -lund, -qvist, -kvist, -gren, -holm, -dahl, -ander):
#   "Kalle Andersson", "Anna Lindberg" — unless the first word is one that starts a sentence
#   or names a place ("Vid Solberg", "Mot Stenberg").
#
# Place names ("Vårby allé", "Ica Nära", "Vårby gård centrum") match none of these.

_UPPER = "A-ZÅÄÖÉÜ"
_LOWER = "a-zåäöéüß"
_NAME = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
# Case-insensitive for the introducing words only ((?i:…)): the name must be capitalised.
_NAME_INTRODUCED = re.compile(
    rf"\b(?i:som\s+heter|heter|hette|kallas|kallad|kallade|vid\s+namn|named|called|"
    rf"whose\s+name\s+is)\s+{_NAME}\b"
)
_PERSON_WORDS = (
    "killen|tjejen|pojken|flickan|grabben|mannen|kvinnan|gubben|tanten|snubben|brorsan|"
    "systern|eleven|the\\s+guy|the\\s+boy|the\\s+girl|the\\s+man|the\\s+woman"
)
_PERSON_NAMED = re.compile(rf"\b(?i:{_PERSON_WORDS})\s+{_NAME}\b")
# An age: two digits, or any with "år"/"years" ("Torget (3)" is a count, not an age).
_AGE = r"\(\s*(?:[1-9]\d\s*(?:år|years?)?|\d{1,2}\s*(?:år|years?))\s*\)"
_NAME_WITH_AGE = re.compile(rf"\b{_NAME}(?:\s+{_NAME})?\s*{_AGE}")
_SURNAME_ENDINGS = "sson|son|berg|ström|strom|lund|qvist|kvist|gren|holm|dahl|ander"
_FIRST_AND_SURNAME = re.compile(
    rf"\b(?P<first>{_NAME})\s+[{_UPPER}][{_LOWER}]*(?:{_SURNAME_ENDINGS})\b"
)
# Capitalised words that start a sentence or a place, not a first name.
_NOT_FIRST_NAMES = {
    "vid", "i", "på", "mot", "från", "till", "nära", "bakom", "under", "över", "utanför",
    "innanför", "mellan", "efter", "före", "hos", "längs", "vi", "de", "det", "den", "en",
    "ett", "och", "som", "vår", "vårt", "norra", "södra", "östra", "västra", "gamla", "nya",
    "stora", "lilla", "at", "in", "on", "near", "by", "the", "a", "an", "from", "to",
}  # fmt: skip


def find_named_person(text: str) -> bool:
    """Whether the text names a person by one of the patterns above (not a place)."""
    if not text:
        return False
    if any(p.search(text) for p in (_NAME_INTRODUCED, _NAME_WITH_AGE, _PERSON_NAMED)):
        return True
    for match in _FIRST_AND_SURNAME.finditer(text):
        if match["first"].lower() not in _NOT_FIRST_NAMES:
            return True
    return False


def validate_no_named_person(value: str) -> None:
    """A Django validator: refuses text that names a person (:func:`find_named_person`).
    Used with :func:`validate_no_personal_data` where the text is about events (observations):
    GDPR art. 10 forbids most partners to keep data about offences by individuals."""
    if find_named_person(value):
        raise ValidationError(
            _(
                "It seems to name a person (a name after “heter”, “killen” or the like, a name "
                "with an age, or a first name and a surname). Leave names out: describe what "
                "happened and where, not who."
            ),
            code="named_person",
        )
