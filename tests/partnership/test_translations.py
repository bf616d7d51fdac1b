"""Swedish is the default language: every string the portal shows has a Swedish translation.

The catalogue is checked as it is (no empty or fuzzy entry), and against the code: the
messages are extracted afresh from the templates and Python files into a copy of the
catalogue, so a string marked for translation but never added to it — which a Swedish page
would show in English — fails here.
"""

import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def _unquote(lines: list[str]) -> str:
    return "".join(re.match(r'^"(.*)"$', line.strip()).group(1) for line in lines)


def untranslated(path: Path) -> list[str]:
    """The msgids of the live (not obsolete) entries whose translation is empty or fuzzy."""
    missing = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        parts: dict[str, list[str]] = {}
        key = None
        for line in lines:
            match = re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) (\".*\")$", line)
            if match:
                key = match.group(1)
                parts[key] = [match.group(2)]
            elif line.startswith('"') and key:
                parts[key].append(line)
        msgid = _unquote(parts.get("msgid", ['""']))
        if not msgid:
            continue  # the header
        translations = [_unquote(v) for name, v in parts.items() if name.startswith("msgstr")]
        if fuzzy or not translations or not all(translations):
            missing.append(msgid)
    return missing


def test_the_catalogue_has_no_empty_or_fuzzy_translation():
    assert untranslated(CATALOGUE) == []


@pytest.mark.django_db
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    # makemessages writes to the locale folder nearest each source file: extract from a copy
    # of the sources, so that the catalogue in the repository is never touched.
    for folder in ("partnership", "stakeholders", "initiatives", "templates", "locale"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.pyc"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["sv"], no_obsolete=True, verbosity=0)
    assert untranslated(tmp_path / "locale" / "sv" / "LC_MESSAGES" / "django.po") == []
