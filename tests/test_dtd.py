"""RDF/XML entity declarations are judged before pyoxigraph parses them (issue 14, item 6: an 849-byte file
with nested entities made every reading command allocate 3 GB and die in native code)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from phoihop.errors import InputError
from phoihop.store import load_files, parse_file

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/"'


def _document(dtd: str, body: str) -> str:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{dtd}\n]>\n<rdf:RDF {RDF}>\n'
            f'<rdf:Description rdf:about="http://example.org/a">{body}</rdf:Description>\n</rdf:RDF>\n')


REFUSED = [
    ("nested", '<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;">', "<ex:p>&b;</ex:p>", "refers to another entity"),
    ("parameter", '<!ENTITY % p "x">', "<ex:p>x</ex:p>", "parameter entity"),
    ("external", '<!ENTITY e SYSTEM "file:///etc/passwd">', "<ex:p>&e;</ex:p>", "external entity"),
    ("quadratic", '<!ENTITY big "' + "x" * 2000 + '">', "<ex:p>" + "&big;" * 150_000 + "</ex:p>",
     "could expand to"),
]


@pytest.mark.parametrize(("name", "dtd", "body", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_expanding_entities_are_refused_before_parsing(tmp_path, name, dtd, body, reason) -> None:
    path = tmp_path / f"{name}.rdf"
    path.write_text(_document(dtd, body), encoding="utf-8")
    for read in (lambda: load_files([path]), lambda: parse_file(path)):
        with pytest.raises(InputError, match=reason) as info:
            read()
        assert info.value.path == str(path) and info.value.exit_code == 2


def test_the_billion_laughs_of_the_corpus_is_refused() -> None:
    with pytest.raises(InputError, match="entity lol1 refers to another entity"):
        load_files([CORPUS / "billion-laughs.rdf"])


def test_namespace_shorthands_as_owl_editors_write_them_are_read() -> None:
    store = load_files([CORPUS / "entities.owl"])
    cls = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
    assert [q.subject.value for q in store.quads_for_pattern(None, None, cls)] == ["http://example.org/Thing"]


@pytest.mark.parametrize("text", [
    '<?xml version="1.0"?>\n<rdf:RDF ' + RDF + '><rdf:Description rdf:about="http://example.org/a">'
    '<ex:p>no DTD at all</ex:p></rdf:Description></rdf:RDF>\n',
    '<?xml version="1.0"?>\n<!-- <!DOCTYPE in a comment> -->\n<rdf:RDF ' + RDF + '/>\n',
])
def test_files_without_entities_are_untouched(tmp_path, text) -> None:
    path = tmp_path / "plain.rdf"
    path.write_text(text, encoding="utf-8")
    load_files([path])
