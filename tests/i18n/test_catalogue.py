"""Every translatable string of the project has a Polish translation, checked against the code as
it is now (not against a catalogue someone forgot to update): `make messages` runs on a copy."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

SOURCES = [
    "manage.py",
    "pyproject.toml",
    "miejsca_otwarte",
    "audit",
    "program",
    "registration",
    "templates",
    "locale",
]


def untranslated_after_makemessages(project: Path) -> list[str]:
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "pl",
            "--no-obsolete",
            "--ignore=tests",
            "-v",
            "0",
        ],
        cwd=project,
        env={**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "miejsca_otwarte.settings"},
        check=True,
    )
    catalogue = polib.pofile(str(project / "locale" / "pl" / "LC_MESSAGES" / "django.po"))
    return [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)]


@pytest.fixture
def project_copy(tmp_path) -> Path:
    base = Path(settings.BASE_DIR)
    for name in SOURCES:
        source = base / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(source, tmp_path / name)
    return tmp_path


def test_every_string_in_the_code_has_a_polish_translation(project_copy):
    assert untranslated_after_makemessages(project_copy) == [], (
        "run `make messages` and translate these in locale/pl/LC_MESSAGES/django.po"
    )


def test_a_new_string_without_translation_is_reported(project_copy):
    """The control: the check above does see a string added to a template and not translated."""
    (project_copy / "templates" / "new.html").write_text(
        '{% load i18n %}{% translate "A sentence nobody has translated yet" %}', encoding="utf-8"
    )

    assert untranslated_after_makemessages(project_copy) == ["A sentence nobody has translated yet"]
