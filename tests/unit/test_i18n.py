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
SECTIONS = ("app", "caption", "editor", "exports", "gallery", "graph", "groups", "live", "paths",
            "player", "problem", "quiz", "search", "ui", "views", "zoom")
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


# The server's catalog of messages about a user's program (webapp/core/messages.py): the
# checker's refusals, in both languages, with the same placeholders, each id it uses present.
def fields_of(template):
    import string
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_server_message_has_both_languages_with_the_same_placeholders():
    from webapp.core.messages import LANGUAGES as SERVER_LANGUAGES
    from webapp.core.messages import MESSAGES
    assert set(SERVER_LANGUAGES) == set(LANGUAGES)
    for message_id, texts in MESSAGES.items():
        assert set(texts) == set(LANGUAGES), message_id
        assert all(texts[lang].strip() for lang in LANGUAGES), message_id
        assert fields_of(texts["en"]) == fields_of(texts["ja"]), message_id


def test_every_message_id_the_code_names_is_in_the_server_catalog():
    from webapp.core.messages import MESSAGES
    named = set()
    pattern = re.compile(r"""(?:refuse\([^,]+,\s*|\.message\(|refuse_name\([^,]+,\s*)f?["']([a-z-]+)["']""")
    for path in list((REPO / "webapp" / "language").glob("*.py")) + [REPO / "webapp" / "core"
                                                                    / "errors.py"]:
        named |= set(pattern.findall(path.read_text(encoding="utf-8")))
    from webapp.language.constructs import REFUSED_NODES
    named |= set(REFUSED_NODES.values())
    assert len(named) > 30        # the pattern still finds how the code names messages
    kinds = {"attribute", "keyword"}                          # refuse_name(..., kind, ...)
    named = {n for n in named if n not in kinds} | {f"{k}-{s}" for k in kinds
                                                    for s in ("not-allowed", "close-match")}
    named |= {f"not-in-{module}" for module in ("optim", "nn", "autograd")}
    assert sorted(named - set(MESSAGES)) == []


def test_every_server_message_is_used():
    from webapp.core.messages import MESSAGES
    code = "".join(path.read_text(encoding="utf-8") for path in (REPO / "webapp").rglob("*.py")
                   if path.name != "messages.py")
    prefixes = ("attribute-", "keyword-", "not-in-")       # made with an f-string
    unused = {message_id for message_id in MESSAGES if f'"{message_id}"' not in code
              and not message_id.startswith(prefixes)}
    assert unused == set()
