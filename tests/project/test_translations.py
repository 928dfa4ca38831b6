"""The Polish catalogue must be complete: every string a person sees has a Polish translation."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"


def test_polish_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(LOCALE_DIR / "pl" / "LC_MESSAGES" / "django.po"))

    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert len(catalogue) > 0
    assert untranslated == [], "run `make messages` and translate these in locale/pl/LC_MESSAGES/django.po"
    assert fuzzy == [], "check and unmark these fuzzy entries in locale/pl/LC_MESSAGES/django.po"
    assert catalogue.metadata_is_fuzzy in ([], False, None)
    assert "nplurals=" in catalogue.metadata["Plural-Forms"]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_catalogues_are_compiled(language):
    mo = LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"

    assert mo.exists(), "run `make compilemessages` (make test and make run do it)"
    assert mo.stat().st_mtime >= po.stat().st_mtime, "django.mo is older than django.po: make compilemessages"


def test_interface_is_polish_by_default():
    with translation.override("pl"):
        assert translation.gettext("Skip to main content") == "Przejdź do treści"


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="pl")
def test_language_switcher_names_the_other_language(client, upcoming_edition):
    polish = client.get(reverse("program:home"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    english = client.get(reverse("program:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'lang="en" class="btn btn-outline-secondary btn-sm">Read in English</a>' in polish
    assert 'lang="pl" class="btn btn-outline-secondary btn-sm">Czytaj po polsku</a>' in english
    assert '<html lang="pl">' in polish
    assert '<html lang="en">' in english


def test_language_switch_sets_the_cookie_and_returns(client, upcoming_edition):
    response = client.get("/language/en/?next=/program/")
    assert (response.status_code, response["Location"]) == (302, "/program/")
    assert response.cookies["django_language"].value == "en"
    assert "Read in English" not in client.get("/program/").content.decode()


def test_language_switch_refuses_other_sites_and_languages(client, upcoming_edition):
    assert client.get("/language/en/?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/language/xx/").status_code == 404
