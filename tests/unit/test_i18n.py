"""The page's message catalogs (static/i18n/en.json, ja.json): the same keys in both, the same
placeholders in both translations of a message, and every key the page uses is in them.

Keys are `section.name` (a section from SECTIONS), written literally in the code: as
data-i18n / data-i18n-aria-label / data-i18n-title attributes in templates/, and as quoted
strings in static/js/ (t("player.play"), or a table of them)."""
import json
import re
import pytest

from tests.support.paths import REPO

CATALOGS = REPO / "static" / "i18n"
LANGUAGES = ("en", "ja")
SECTIONS = ("app", "caption", "editor", "exports", "gallery", "graph", "paths", "player",
            "problem", "ui", "zoom")
KEY_IN_TEMPLATE = re.compile(r'data-i18n(?:-aria-label|-title)?="([^"]*)"')
KEY_IN_SCRIPT = re.compile(r"""["']((?:%s)\.[a-z_]+)["']""" % "|".join(SECTIONS))
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalog(lang):
    return json.loads((CATALOGS / f"{lang}.json").read_text(encoding="utf-8"))


def used_keys():
    keys = {}
    for path in (REPO / "templates").rglob("*.html"):
        for key in KEY_IN_TEMPLATE.findall(path.read_text(encoding="utf-8")):
            keys.setdefault(key, path.name)
    for path in (REPO / "static" / "js").rglob("*.js"):
        for key in KEY_IN_SCRIPT.findall(path.read_text(encoding="utf-8")):
            keys.setdefault(key, path.name)
    return keys


def test_both_catalogs_have_the_same_keys():
    en, ja = catalog("en"), catalog("ja")
    assert sorted(set(en) - set(ja)) == []
    assert sorted(set(ja) - set(en)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_text_and_every_key_has_a_section(lang):
    for key, message in catalog(lang).items():
        assert key.split(".")[0] in SECTIONS, key
        assert isinstance(message, str) and message.strip(), key


def test_translations_have_the_same_placeholders():
    en, ja = catalog("en"), catalog("ja")
    for key in en:
        assert set(PLACEHOLDER.findall(en[key])) == set(PLACEHOLDER.findall(ja[key])), key


def test_the_page_uses_keys_and_finds_them():
    keys = used_keys()
    assert len(keys) > 30  # the patterns still match how the code writes keys
    for lang in LANGUAGES:
        missing = {key: where for key, where in keys.items() if key not in catalog(lang)}
        assert missing == {}, f"keys missing from {lang}.json"


def test_no_catalog_key_is_unused():
    unused = set(catalog("en")) - set(used_keys())
    assert unused == set()
