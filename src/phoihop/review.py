"""`phoihop review`: one offline page that shows a source text with every fact a graph draws from it.

A reviewer should not have to read Turtle next to the text and count characters. The page marks each
evidence span at its offsets (coloured by kind: actor, instrument, person, post, commitment, event,
indicator, area), flags facts whose confidence is below a threshold, and opens a panel per fact: its
triples in plain words (vi/en, words from the ontology's labels and templates/review.json), a commitment's
lead, partners, addressees, status, frequency and target. Clicking a commitment lights up its actors and
instruments.

The stages are plain functions: `review_store` (RDF files -> store, ontology added for class and property
words), `sources` / `choose_source` / `locate_text` (which document, which text, is it the same text),
`evidence` (the one reader of ph:evidence, both forms), `collect` (-> a Review of facts and spans),
`mark_text` (text -> nested <mark> elements, crossing spans split) and `render` (-> HTML). Offsets are
code points of the NFC text, as ingest writes them, so the text goes through the project's one reader.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import string
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from .atomic import atomic_write
from .errors import InputError, UsageError
from .namespaces import GRAPH_INFERRED, GRAPH_ONTOLOGY, RDF
from .normalize import read_text_file
from .page import inline_script, script_json
from .resources import ontology_files, queries_dir
from .store import expand_inputs, load_files

log = logging.getLogger("phoihop.review")

TEMPLATES = Path(__file__).resolve().parent / "templates"
VALUES_SOURCE = "VALUES ?source { }"
DEFAULT_THRESHOLD = 0.6
MAX_PROBLEMS_LOGGED = 5  # on stderr; the page lists them all
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_MAX_DEPTH = 3  # blank nodes described inline: interval -> instant -> date


@cache
def config() -> dict:
    """Kinds, colours, words and page strings (templates/review.json)."""
    return json.loads((TEMPLATES / "review.json").read_text(encoding="utf-8"))


# --- the graph -------------------------------------------------------------------------------------------

def review_store(inputs: Iterable[str | Path]) -> ox.Store:
    """The reviewed RDF files plus the ontology and its schemes (class, property and concept words).

    A built dataset's inferred graph is dropped: the page shows what the files state, not what the
    rules add (every superclass type, both directions of each link)."""
    files = expand_inputs(inputs)
    if not files:
        raise UsageError("no RDF files to review")
    store = load_files(files)
    load_files(ontology_files(), store, graph_of=lambda _path: ox.NamedNode(str(GRAPH_ONTOLOGY)))
    inferred = ox.NamedNode(str(GRAPH_INFERRED))
    if inferred in set(store.named_graphs()):
        store.remove_graph(inferred)
    return store


def _select(store: ox.Store, name: str, source: ox.NamedNode | None = None) -> list[dict]:
    """Rows of queries/review/<name>.rq (terms kept as pyoxigraph terms); `source` fills its VALUES line."""
    path = queries_dir() / "review" / f"{name}.rq"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read review query: {err.strerror}", path=path) from None
    if source is not None:
        if VALUES_SOURCE not in text:
            raise InputError(f"the query has no '{VALUES_SOURCE}' line to fill", path=path)
        text = text.replace(VALUES_SOURCE, f"VALUES ?source {{ {source} }}")
    result = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names} for row in result]


def _value(term) -> str | None:
    return None if term is None else term.value


def term_key(term) -> str:
    """A JSON-safe name for a node: its IRI, or _:id for a blank node."""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


# --- which document, which text --------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """A ph:SourceDocument as the graph describes it: its file name tells where the text is, its sha256
    whether the text is the one the offsets were counted in."""

    iri: ox.NamedNode
    file: str | None
    sha256: str | None
    title: str | None


def sources(store: ox.Store) -> list[Source]:
    """Every source document of the store (queries/review/sources.rq)."""
    return [Source(r["source"], _value(r["file"]), _value(r["sha256"]), _value(r["title"]))
            for r in _select(store, "sources")]


def choose_source(found: list[Source], inputs: list[Path], text_path: Path | None = None,
                  text_sha: str | None = None) -> Source:
    """The one source document to review: the only one, else the one whose file name or sha256 is the
    given text's. Several and no text is a usage error that lists them."""
    where = ", ".join(map(str, inputs))
    if not found:
        raise UsageError(f"{where}: no ph:SourceDocument here, so there is no text to review")
    if len(found) == 1:
        return found[0]
    if text_path is not None:
        for match in ([s for s in found if s.file == text_path.name], [s for s in found if s.sha256 == text_sha]):
            if len(match) == 1:
                return match[0]
    names = ", ".join(s.file or s.iri.value for s in found[:8]) + (" …" if len(found) > 8 else "")
    hint = "none of them is the text given" if text_path else "name the text to review with --text"
    raise UsageError(f"{where}: {len(found)} source documents ({names}); {hint}")


def locate_text(source: Source, inputs: list[Path], cwd: Path | None = None) -> Path:
    """The source's text file (its dct:identifier) beside an input file, else in the current folder."""
    if not source.file:
        raise UsageError(f"{source.iri.value} has no dct:identifier (file name): pass the text with --text")
    folders = [p.parent for p in inputs if p.is_file()] + [cwd or Path.cwd()]
    for folder in dict.fromkeys(folders):
        candidate = folder / source.file
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(f) for f in dict.fromkeys(folders))
    raise UsageError(f"cannot find the source text {source.file!r} (looked in {looked}): pass it with --text")


def read_text(path: Path) -> tuple[str, str]:
    """The text exactly as ingest sees it (the project's reader, then NFC) and the sha256 of its bytes."""
    text, data = read_text_file(path)
    return unicodedata.normalize("NFC", text), hashlib.sha256(data).hexdigest()


# --- evidence: the one reader of both forms --------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    """One evidence span: [start, end) in code points of the NFC text; the quote only in ingest output."""

    node: str
    start: int
    end: int
    confidence: float | None = None
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None


def _number(term) -> float | None:
    try:
        return None if term is None else float(term.value)
    except ValueError:
        return None


def evidence(store: ox.Store, source: ox.NamedNode) -> list[Span]:
    """Every span of `source` that evidences a node: ph:evidence -> oa:SpecificResource (the first form)
    or ph:evidence -> oa:Annotation -> oa:hasTarget -> oa:SpecificResource (the provenance contract's),
    with ph:confidence and the quote selector when present. Offsets that are not whole numbers are
    skipped with a warning rather than guessed."""
    spans: dict[tuple, Span] = {}
    for row in _select(store, "evidence", source):
        start, end = _number(row["start"]), _number(row["end"])
        if start is None or end is None or start != int(start) or end != int(end):
            log.warning("%s: evidence of %s has offsets that are not whole numbers (%s, %s); skipped",
                        source.value, term_key(row["node"]), _value(row["start"]), _value(row["end"]))
            continue
        span = Span(term_key(row["node"]), int(start), int(end), _number(row["confidence"]),
                    _value(row["exact"]), _value(row["prefix"]), _value(row["suffix"]))
        key = (span.node, span.start, span.end)
        best = spans.get(key)  # the same span stated twice keeps its highest confidence
        if best is None or (span.confidence or 0) > (best.confidence or 0):
            spans[key] = span
    return sorted(spans.values(), key=lambda s: (s.start, -s.end, s.node))


# --- words for terms -------------------------------------------------------------------------------------

class Words:
    """Plain words (vi, en) for the terms of one store: labels of IRIs, blank nodes described inline.

    Words come from the data's own labels (skos:prefLabel, rdfs:label, foaf:name, a number, a date),
    then templates/review.json for terms of other vocabularies, then the end of the IRI."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.label_properties = [ox.NamedNode(p) for p in config()["label_properties"]]
        self.terms = config()["terms"]
        self._cache: dict = {}

    def triples(self, subject) -> list[tuple]:
        """(predicate, object) pairs of a subject over every graph, each once, in a stable order."""
        pairs = {(q.predicate, q.object) for q in self.store.quads_for_pattern(subject, None, None, None)}
        return sorted(pairs, key=lambda po: (po[0].value, str(po[1])))

    def label(self, term, depth: int = 0) -> dict[str, str]:
        """{'vi': …, 'en': …} for any term; literals are their own words, blank nodes their properties."""
        if isinstance(term, ox.Literal):
            return {"vi": term.value, "en": term.value}
        if isinstance(term, ox.BlankNode):
            return self.inline(term, depth)
        if term not in self._cache:
            self._cache[term] = self._label(term)
        return self._cache[term]

    def _label(self, term: ox.NamedNode) -> dict[str, str]:
        for prop in self.label_properties:
            found = {}
            for quad in self.store.quads_for_pattern(term, prop, None, None):
                lang = quad.object.language if isinstance(quad.object, ox.Literal) else None
                found.setdefault(lang or "", quad.object.value)
            if found:
                vi = found.get("vi") or found.get("") or next(iter(found.values()))
                return {"vi": vi, "en": found.get("en") or found.get("") or vi}
        words = self.terms.get(term.value)
        if words:
            return dict(words)
        tail = term.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or term.value
        return {"vi": tail, "en": tail}

    def inline(self, node, depth: int = 0) -> dict[str, str]:
        """A node by its properties, 'property: value; …' (an interval, a target), at most _MAX_DEPTH deep;
        a node with one literal (an instant and its date) is that literal."""
        if depth >= _MAX_DEPTH:
            return {"vi": "…", "en": "…"}
        pairs = [(p, o) for p, o in self.triples(node) if p != _RDF_TYPE]
        if len(pairs) == 1 and isinstance(pairs[0][1], ox.Literal):
            return self.label(pairs[0][1])
        parts = [(self.label(p), self.label(o, depth + 1)) for p, o in pairs]
        return {lang: "; ".join(f"{p[lang]}: {o[lang]}" for p, o in parts) for lang in ("vi", "en")}


# --- facts -----------------------------------------------------------------------------------------------

@dataclass
class Fact:
    """One node the source gives, with its spans (indices into Review.spans) and its panel."""

    id: int
    iri: str
    kind: str
    label: dict[str, str]
    type: dict[str, str]
    spans: list[int] = field(default_factory=list)
    confidence: float | None = None
    rows: list[dict] = field(default_factory=list)
    roles: dict[str, list[dict]] = field(default_factory=dict)
    summary: dict[str, list[dict]] = field(default_factory=dict)
    related: dict[int, str] = field(default_factory=dict)  # fact id -> role (lead, partner, …, related)
    referenced_by: list[int] = field(default_factory=list)

    def low(self, threshold: float) -> bool:
        """Below the threshold: its best evidence is weaker than asked. Curated facts have no confidence."""
        return self.confidence is not None and self.confidence < threshold


@dataclass
class Review:
    """Everything the page shows; `page_data` turns it into the page's JSON."""

    source: Source
    text: str
    text_name: str
    text_sha256: str
    threshold: float
    facts: list[Fact]
    spans: list[Span]
    span_facts: list[int]  # per span, the id of its fact
    problems: list[str]

    @property
    def sha_matches(self) -> bool | None:
        return None if not self.source.sha256 else self.source.sha256 == self.text_sha256

    def low_facts(self) -> list[Fact]:
        return [f for f in self.facts if f.low(self.threshold)]


def kinds_of(store: ox.Store, source: ox.NamedNode) -> dict[str, tuple[ox.NamedNode | ox.BlankNode, str]]:
    """Node key -> (node, kind code) for every node the source gives; the first kind of review.json
    whose class the node has (superclasses included) wins."""
    classes: dict[str, set[str]] = defaultdict(set)
    terms: dict[str, ox.NamedNode | ox.BlankNode] = {}
    for row in _select(store, "facts", source):
        key = term_key(row["node"])
        terms[key] = row["node"]
        if row["class"] is not None:
            classes[key].add(row["class"].value)
    order = config()["kinds"]
    other = config()["other_kind"]["code"]
    return {key: (node, next((k["code"] for k in order if k["class"] in classes[key]), other))
            for key, node in terms.items()}


def _type_words(words: Words, node, kind: str) -> dict[str, str]:
    """The node's most specific asserted class in words (ph:LabourUnion, not ph:Actor)."""
    roots = {k["class"] for k in config()["kinds"]}
    types = [o for p, o in words.triples(node) if p == _RDF_TYPE]
    chosen = next((t for t in types if t.value not in roots), types[0] if types else None)
    if chosen is None:
        kind_entry = next((k for k in config()["kinds"] if k["code"] == kind), config()["other_kind"])
        return {"vi": kind_entry["vi"], "en": kind_entry["en"]}
    return words.label(chosen)


def _reference(words: Words, term, index: dict[str, int], inline: bool = False) -> dict:
    entry = {"label": words.inline(term) if inline and not isinstance(term, ox.Literal) else words.label(term)}
    if not isinstance(term, ox.Literal):
        key = term_key(term)
        entry["f"] = index.get(key)
        if isinstance(term, ox.NamedNode):
            entry["iri"] = key
    else:
        entry["lang"] = term.language or ""
    return entry


def _describe(fact: Fact, node, words: Words, index: dict[str, int]) -> None:
    """Fill a fact's panel: triples in words, a commitment's roles and summary, links to other facts."""
    cfg = config()
    hidden = set(cfg["hidden_properties"])
    inline = set(cfg["inline_properties"])
    role_of = {p: role for role, props in cfg["roles"].items() for p in props}
    summary_of = {p: name for name, p in cfg["summary"].items()}
    rows: dict[str, dict] = {}
    for p, o in words.triples(node):
        if p.value in hidden:
            continue
        ref = _reference(words, o, index, p.value in inline)
        rows.setdefault(p.value, {"p": words.label(p), "iri": p.value, "values": []})["values"].append(ref)
        if p.value in role_of:
            fact.roles.setdefault(role_of[p.value], []).append(ref)
        if p.value in summary_of:
            fact.summary.setdefault(summary_of[p.value], []).append(ref)
        target = ref.get("f")
        if target is not None and target != fact.id and p != _RDF_TYPE:
            fact.related.setdefault(target, role_of.get(p.value, "related"))
    first = [_RDF_TYPE.value, *cfg["label_properties"]]
    fact.rows = sorted(rows.values(), key=lambda row: (first.index(row["iri"]) if row["iri"] in first else len(first),
                                                       row["p"]["vi"]))


def collect(store: ox.Store, source: Source, text: str, text_name: str, text_sha256: str,
            threshold: float = DEFAULT_THRESHOLD) -> Review:
    """The review of one source: its facts (kind, words, spans, links) and what is wrong with the spans."""
    spans = evidence(store, source.iri)
    kinds = kinds_of(store, source.iri)  # holds every evidenced node: facts.rq follows the evidence too
    first = {}
    for span in spans:
        first.setdefault(span.node, span.start)
    ordered = sorted(kinds, key=lambda k: (k not in first, first.get(k, 0), k))
    index = {key: n for n, key in enumerate(ordered)}
    words = Words(store)
    facts = []
    for key in ordered:
        node, kind = kinds[key]
        facts.append(Fact(index[key], key, kind, words.label(node), _type_words(words, node, kind)))
    problems = _check_spans(spans, text, facts, index)
    for fact in facts:
        _describe(fact, kinds[fact.iri][0], words, index)
        for target in fact.related:
            facts[target].referenced_by.append(fact.id)
    if source.sha256 and source.sha256 != text_sha256:
        problems.insert(0, f"{text_name}: its sha256 ({text_sha256[:12]}…) is not the graph's ph:sha256 for "
                           f"{source.iri.value} ({source.sha256[:12]}…): offsets may point at the wrong characters")
    return Review(source, text, text_name, text_sha256, threshold, facts, spans,
                  [index[s.node] for s in spans], problems)


def _check_spans(spans: list[Span], text: str, facts: list[Fact], index: dict[str, int]) -> list[str]:
    """Attach each span to its fact; spans outside the text or whose quote differs are problems."""
    problems = []
    for n, span in enumerate(spans):
        fact = facts[index[span.node]]
        if not 0 <= span.start < span.end <= len(text):
            problems.append(f"{span.node}: span {span.start}-{span.end} is outside the text "
                            f"({len(text)} characters) or empty")
            continue
        if span.exact is not None and text[span.start:span.end] != span.exact:
            problems.append(f"{span.node}: the text at {span.start}-{span.end} is not the quoted "
                            f"{_short(span.exact)!r}")
        fact.spans.append(n)
        if span.confidence is not None:
            fact.confidence = max(fact.confidence or 0.0, span.confidence)
    return problems


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- the text with its marks -----------------------------------------------------------------------------

@dataclass
class _Piece:
    span: int
    tag_at: int  # index in the output of this piece's opening tag, written once its height is known
    height: int = 0  # how many marks are nested inside it: its underline goes below theirs


def mark_text(text: str, spans: list[Span], kinds: list[str], facts: list[int], low: set[int]) -> str:
    """The text as HTML with one <mark> per span piece: nested spans nest, crossing spans are split.

    At every boundary the marks open are compared with the spans covering the next stretch of text
    (outer first: earlier start, then later end); marks past the common prefix close and the rest
    open. A span crossing another's end is thus split into pieces that all carry its span id (data-s),
    and only its last piece is marked `end` (where a kind tag can be drawn). `kinds`, `facts` are per
    span; `low` holds the ids of spans whose fact is below the confidence threshold."""
    keep = [n for n, s in enumerate(spans) if 0 <= s.start < s.end <= len(text)]
    starting: dict[int, list[int]] = defaultdict(list)
    for n in keep:
        starting[spans[n].start].append(n)
    bounds = sorted({0, len(text)} | {spans[n].start for n in keep} | {spans[n].end for n in keep})

    def outer_first(n: int) -> tuple:
        return spans[n].start, -spans[n].end, n

    out: list[str] = []
    stack: list[_Piece] = []
    active: list[int] = []

    def close(at: int) -> None:
        piece = stack.pop()
        span = spans[piece.span]
        classes = [f"k-{kinds[piece.span]}"] + (["low"] if piece.span in low else [])
        classes += ["end"] if span.end == at else []
        out[piece.tag_at] = (f'<mark class="{" ".join(classes)}" data-s="{piece.span}" '
                             f'data-f="{facts[piece.span]}" style="--h:{min(piece.height, 4)}">')
        out.append("</mark>")
        if stack:
            stack[-1].height = max(stack[-1].height, piece.height + 1)

    for here, after in zip(bounds, bounds[1:], strict=False):
        active = sorted([n for n in active if spans[n].end > here] + starting.get(here, []), key=outer_first)
        common = 0
        while common < min(len(stack), len(active)) and stack[common].span == active[common]:
            common += 1
        while len(stack) > common:
            close(here)
        for n in active[common:]:
            stack.append(_Piece(n, len(out)))
            out.append("")
        out.append(html.escape(text[here:after], quote=False))
    while stack:
        close(len(text))
    return "".join(out)


# --- the page --------------------------------------------------------------------------------------------

def page_data(review: Review) -> dict:
    """Everything the page script needs, as one JSON-ready dict (the text itself is in the HTML)."""
    cfg = config()
    text = review.text
    return {
        "source": {"iri": review.source.iri.value, "file": review.source.file, "title": review.source.title,
                   "text": review.text_name, "sha_matches": review.sha_matches, "length": len(text)},
        "threshold": review.threshold,
        "kinds": [{k: entry[k] for k in ("code", "colour", "vi", "en")}
                  for entry in [*cfg["kinds"], cfg["other_kind"]]],
        "spans": [{"start": s.start, "end": s.end, "f": f, "conf": s.confidence,
                   "quote_ok": None if s.exact is None else text[s.start:s.end] == s.exact}
                  for s, f in zip(review.spans, review.span_facts, strict=True)],
        "facts": [{"id": f.id, "iri": f.iri, "kind": f.kind, "label": f.label, "type": f.type,
                   "spans": f.spans, "conf": f.confidence, "low": f.low(review.threshold), "rows": f.rows,
                   "roles": f.roles, "summary": f.summary,
                   "related": {str(k): v for k, v in f.related.items()}, "referenced_by": f.referenced_by}
                  for f in review.facts],
        "problems": review.problems,
        "ui": cfg["ui"],
    }


def _kind_css() -> str:
    """One rule per kind: its colour, and the tag drawn after a span's last piece in each language."""
    rules = []
    for entry in [*config()["kinds"], config()["other_kind"]]:
        code, colour = entry["code"], entry["colour"]
        rules.append(f".k-{code} {{ --c: {colour}; }}")
        rules.append(f"body.hide-{code} mark.k-{code} {{ background: none; border-bottom-color: transparent; "
                     "pointer-events: none; }")
        rules.append(f"body.hide-{code} mark.k-{code}.end::after {{ content: none !important; }}")
        rules += [f'body.tags[data-lang="{lang}"] mark.k-{code}.end::after {{ content: {_css_string(entry[lang])}; }}'
                  for lang in ("vi", "en")]
    return "\n".join(rules)


def _css_string(text: str) -> str:
    """A CSS string literal: quotes and backslashes escaped, no '<' that could end the <style> element."""
    return '"' + "".join(f"\\{ord(c):x} " if c in '"\\<>\n' else c for c in text) + '"'


def render(review: Review) -> str:
    """The whole page: text with marks, data, stylesheet and script inlined; a CSP forbids any request."""
    facts = review.span_facts
    kinds = [review.facts[f].kind for f in facts]
    low_facts = {f.id for f in review.low_facts()}
    low = {n for n, f in enumerate(facts) if f in low_facts}
    template = string.Template((TEMPLATES / "review.html").read_text(encoding="utf-8"))
    title = f"{config()['ui']['title']['vi']}: {review.source.file or review.text_name}"
    return template.substitute(
        title=html.escape(title), data=script_json(page_data(review)),
        text=mark_text(review.text, review.spans, kinds, facts, low),
        css=(TEMPLATES / "review.css").read_text(encoding="utf-8") + "\n" + _kind_css(),
        js=inline_script((TEMPLATES / "review.js").read_text(encoding="utf-8")))


@dataclass(frozen=True)
class ReviewResult:
    """What `review` wrote, in numbers (the command logs them)."""

    path: str
    facts: int
    spans: int
    low: int
    unevidenced: int
    problems: list[str]


def default_output(review: Review) -> Path:
    """<source stem>.review.html (in the current folder, or in the folder given as the output): reviewing
    another document never overwrites it."""
    name = review.source.file or review.text_name
    return Path(f"{Path(name).stem}.review.html")


def review(inputs: Iterable[str | Path], text: str | Path | None = None, out: str | Path | None = None,
           threshold: float = DEFAULT_THRESHOLD) -> ReviewResult:
    """`phoihop review`: graph file(s) [+ the source text] -> one self-contained HTML page.

    Without `text`, the source's file (its dct:identifier) is looked for beside the input files and in
    the current folder. A text whose sha256 differs from the graph's is reviewed with a warning (offsets
    may be off); spans outside the text and quotes that differ from it are listed on the page and here."""
    if not 0.0 <= threshold <= 1.0:
        raise UsageError(f"the confidence threshold must be between 0 and 1, not {threshold}")
    paths = [Path(p) for p in inputs]
    store = review_store(paths)
    found = sources(store)
    text_path = Path(text) if text is not None else None
    content, sha = read_text(text_path) if text_path else (None, None)
    source = choose_source(found, paths, text_path, sha)
    if text_path is None:
        text_path = locate_text(source, paths)
        content, sha = read_text(text_path)
    result = collect(store, source, content, text_path.name, sha, threshold)
    for problem in result.problems[:MAX_PROBLEMS_LOGGED]:
        log.warning("%s", problem)
    if len(result.problems) > MAX_PROBLEMS_LOGGED:
        log.warning("… and %d more problems, all listed at the top of the page",
                    len(result.problems) - MAX_PROBLEMS_LOGGED)
    target = out if out is not None else default_output(result)
    if str(target) != "-" and Path(target).is_dir():
        target = Path(target) / default_output(result).name
    with atomic_write(target) as handle:
        handle.write(render(result))
    unevidenced = sum(1 for f in result.facts if not f.spans)
    log.info("wrote %s: %d facts, %d spans, %d below confidence %.2f, %d without a span, %d problems", target,
             len(result.facts), len(result.spans), len(result.low_facts()), threshold, unevidenced,
             len(result.problems))
    return ReviewResult(str(target), len(result.facts), len(result.spans), len(result.low_facts()), unevidenced,
                        result.problems)
