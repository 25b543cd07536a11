"""Find the character offsets of a phrase in a source text, for curated evidence (docs/curating.md).

Usage: python scripts/find_span.py TEXT.txt PHRASE [--to END_PHRASE] [--nth N] [--node IRI] [--source IRI]

Offsets count characters of the NFC text, end exclusive, as `oa:TextPositionSelector` wants them. White
space in PHRASE matches any run of white space in the text (line breaks of a copied header table
included); case is kept. With --to the span runs from PHRASE to the end of the first END_PHRASE after it
(an item too long to type). Every match is listed as `start end`; with --node, the chosen match (--nth,
0-based) is printed as a Turtle `oa:Annotation` block ready to paste after `ph:evidence` (relative IRIs as
in data/*.ttl). The text itself is never printed: curated data points at offsets and quotes nothing.
Exit 2 with one line on stderr when the file cannot be read or the phrase is not there.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

ANNOTATION = """[ a oa:Annotation ; oa:motivatedBy oa:identifying ; oa:hasBody <{node}> ;
          oa:hasTarget [ a oa:SpecificResource ; oa:hasSource <{source}> ;
            oa:hasSelector [ a oa:TextPositionSelector ; oa:start "{start}"^^xsd:nonNegativeInteger ; \
oa:end "{end}"^^xsd:nonNegativeInteger ] ] ]"""


def pattern(phrase: str) -> re.Pattern:
    """The phrase with each run of white space loosened to match any run of white space."""
    words = unicodedata.normalize("NFC", phrase).split()
    if not words:
        raise ValueError("the phrase is empty")
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def find_spans(text: str, phrase: str, to: str | None = None) -> list[tuple[int, int]]:
    """Every (start, end) of the phrase in the NFC text; with `to`, each runs on to the end of the first
    `to` phrase after its start (matches with no such end are dropped)."""
    text = unicodedata.normalize("NFC", text)
    spans = [(m.start(), m.end()) for m in pattern(phrase).finditer(text)]
    if to is None:
        return spans
    end_pattern = pattern(to)
    ranged = []
    for start, _ in spans:
        end = end_pattern.search(text, start)
        if end is not None:
            ranged.append((start, end.end()))
    return ranged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("text", type=Path)
    parser.add_argument("phrase")
    parser.add_argument("--to", help="end phrase: the span runs to the end of its first match after PHRASE")
    parser.add_argument("--nth", type=int, default=0, help="which match to print as an annotation (0-based)")
    parser.add_argument("--node", help="IRI of the node the span names, e.g. actor/lang-son/toa-an-nhan-dan")
    parser.add_argument("--source", help="IRI of the source document (default: source/<file stem>)")
    args = parser.parse_args(argv)
    try:
        text = args.text.read_text(encoding="utf-8")
        spans = find_spans(text, args.phrase, args.to)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"find_span: {args.text}: {exc}", file=sys.stderr)
        return 2
    if not spans or args.nth >= len(spans):
        print(f"find_span: {args.text}: the phrase occurs {len(spans)} time(s); no match number {args.nth}",
              file=sys.stderr)
        return 2
    for start, end in spans:
        print(start, end)
    if args.node:
        start, end = spans[args.nth]
        source = args.source or f"source/{args.text.stem}"
        print(ANNOTATION.format(node=args.node, source=source, start=start, end=end))
    return 0


if __name__ == "__main__":
    sys.exit(main())
