"""The static build serves JavaScript and CSS minified (fieldlog/static_files.py, issue 14): the program a browser
runs must be the source's, token for token. A real JavaScript parser (tree-sitter's grammar, the one editors and
GitHub use, which knows today's syntax: modules, template literals, ``?.``, ``||=``) reads both: the minified text
parses without error, and to the same syntax tree as the source, comments aside — string, template and regular
expression literals compared whole, so that whitespace inside them is proven kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import tree_sitter_javascript
from tree_sitter import Language, Parser

from fieldlog.static_files import minified

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
SCRIPTS = sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*.js"))
STYLES = sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*.css"))
PARSER = Parser(Language(tree_sitter_javascript.language()))
# Nodes compared by their whole text: their inside is the program's data, whitespace included.
LITERALS = {"string", "template_string", "regex"}


def syntax(source: bytes) -> list[tuple]:
    """The syntax tree in document order, comments left out: each node's type, and the text of each leaf and literal."""
    tree = PARSER.parse(source)
    assert not tree.root_node.has_error, "does not parse"
    out: list[tuple] = []

    def walk(node) -> None:
        if node.type == "comment":
            return
        if node.child_count == 0 or node.type in LITERALS:
            out.append((node.type, node.text))
            return
        children = [child for child in node.children if child.type != "comment"]
        out.append((node.type, len(children)))
        for child in children:
            walk(child)

    walk(tree.root_node)
    return out


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_minified_script_is_its_source_s_program_and_smaller(name):
    source = (STATIC / name).read_bytes()
    served = minified(name, source)
    assert syntax(served) == syntax(source)
    assert len(served) < len(source)


def test_the_syntax_check_sees_what_minifying_must_not_do():
    """A joined line that changes the program (no semicolon to end it) and a changed template are both caught."""
    assert syntax(b"const a = b\n(c)") != syntax(b"const a = b;\n(c)")
    assert syntax(b"const t = `a  b`;") != syntax(b"const t = `a b`;")
    assert syntax(b"const a = 1; // note\n") == syntax(b"const a=1;")


@pytest.mark.parametrize("name", STYLES)
def test_a_minified_style_sheet_keeps_its_rules_and_drops_its_comments(name):
    source = (STATIC / name).read_text(encoding="utf-8")
    served = minified(name, source.encode()).decode()
    assert "/*" not in served
    # Every rule and block is still there (no comment of these sheets holds a brace).
    assert (served.count("{"), served.count("}")) == (source.count("{"), source.count("}"))
    assert len(served) < len(source)


def test_other_files_are_served_as_they_are():
    icon = STATIC / "icons" / "icon.svg"
    assert minified("icons/icon.svg", icon.read_bytes()) == icon.read_bytes()
