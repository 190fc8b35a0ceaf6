"""The zh-hans catalog is complete and what the runtime reads (issue 11): every msgid in
locale/zh_Hans/LC_MESSAGES/django.po is translated and none is fuzzy; the committed django.mo
says the same as the .po (a fresh clone needs no msgfmt); and every string the code and the
templates mark for translation is in the catalog, so a new string cannot ship in English only.

The strings are extracted the way `makemessages` does, without GNU gettext: Python by its AST
(the gettext family of calls with literal arguments), templates by Django's own `templatize`
(what makemessages feeds xgettext). `make messages` regenerates and compiles the catalog."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import polib
import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
APPS = ["qa_platform", "monitoring", "scoring", "coaching", "planning", "reports"]
SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
CONTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
# What templatize writes for a translation tag: ` gettext('…') `, ` ngettext('…', '…', count) `,
# ` pgettext('ctx', '…') ` (string literals as Python writes them).
LITERAL_RE = r"u?'(?:[^'\\]|\\.)*'|u?\"(?:[^\"\\]|\\.)*\""
CALL = re.compile(r"\b(n?p?gettext)\(((?:\s*(?:" + LITERAL_RE + r")\s*,?)+)")
LITERAL = re.compile(LITERAL_RE)


@pytest.fixture(scope="module")
def catalog() -> polib.POFile:
    return polib.pofile(str(CATALOG / "django.po"))


def python_strings() -> set[tuple[str | None, str]]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                args = [
                    a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args
                ]
                if name in SINGULAR and args and args[0]:
                    found.add((None, args[0]))
                elif name in CONTEXT and len(args) >= 2 and args[0] and args[1]:
                    found.add((args[0], args[1]))
    return found


def template_strings() -> set[tuple[str | None, str]]:
    found = set()
    for path in (ROOT / "templates").rglob("*.html"):
        source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for name, args in CALL.findall(source):
            strings = [ast.literal_eval(literal) for literal in LITERAL.findall(args)]
            if name in CONTEXT and len(strings) >= 2:
                found.add((strings[0], strings[1]))
            elif name in SINGULAR and strings:
                found.add((None, strings[0]))
    return found


def test_every_entry_is_translated_and_none_is_fuzzy(catalog):
    untranslated = [e.msgid for e in catalog.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in catalog.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalog_matches_the_source(catalog):
    with open(CATALOG / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for entry in catalog.translated_entries():
        if entry.msgid_plural:
            got = (
                compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                if entry.msgctxt
                else (compiled.ngettext(entry.msgid, entry.msgid_plural, 1))
            )
            want = entry.msgstr_plural[0]
        else:
            got = compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else compiled.gettext(entry.msgid)
            want = entry.msgstr
        if got != want:
            stale.append(entry.msgid)
    assert stale == [], "django.mo is older than django.po: run `make messages`"


def test_every_marked_string_of_the_code_and_templates_is_in_the_catalog(catalog):
    known = {(e.msgctxt or None, e.msgid) for e in catalog if not e.obsolete}
    code, templates = python_strings(), template_strings()
    # The extraction itself works: both sides find the product's strings (a broken pattern
    # finding nothing would pass the check below).
    assert len(code) > 1000 and len(templates) > 500
    missing = sorted((code | templates) - known, key=lambda k: (k[0] or "", k[1]))
    assert missing == [], f"{len(missing)} strings are not in the catalog: run `make messages` and translate them"


# --- text outside a translation tag ------------------------------------------------------------

BLOCK_TRANSLATE = re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
COMMENTS = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
# Code is not translated: scripts, styles, and what a template marks as code (CSV column names).
CODE = re.compile(r"<(script|style|code)\b.*?</\1>", re.S | re.I)
VISIBLE_ATTRIBUTE = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"', re.I)
TEMPLATE_SYNTAX = re.compile(r"{%.*?%}|{{.*?}}", re.S)
MARKUP = re.compile(r"<[^>]*>|&[a-z]+;|&#\d+;", re.S)
ENGLISH_WORD = re.compile(r"[A-Za-z][a-z]{2,}")
# Names of formats, statistics and standards, which Chinese centers write as they are.
AS_IS = {"CSV", "XLSX", "PDF", "API", "CSAT", "NPS", "ICC", "Krippendorff", "Swagger"}


def untranslated_text(source: str) -> list[str]:
    """The English words a template shows outside {% translate %} / {% blocktranslate %}: in
    its text and in the attributes a person reads (title, aria-label, placeholder, alt)."""
    source = CODE.sub(" ", BLOCK_TRANSLATE.sub(" ", COMMENTS.sub(" ", source)))
    shown = [*VISIBLE_ATTRIBUTE.findall(source), MARKUP.sub(" ", source)]
    words = []
    for text in shown:
        words += [w for w in ENGLISH_WORD.findall(TEMPLATE_SYNTAX.sub(" ", text)) if w not in AS_IS]
    return words


def test_the_checker_finds_text_outside_a_translation_tag():
    assert untranslated_text('<p title="Close it">Hello {% translate "World" %}</p>') == ["Close", "Hello"]
    assert untranslated_text("{% blocktranslate %}Fine{% endblocktranslate %} <code>hire_date</code>") == []


def test_no_template_shows_text_outside_a_translation_tag():
    found = {
        str(path.relative_to(ROOT)): words
        for path in (ROOT / "templates").rglob("*.html")
        if (words := untranslated_text(path.read_text(encoding="utf-8")))
    }
    assert found == {}
