"""Every piece of curated evidence points at the text it claims to.

For each `N ph:evidence A` in data/*.ttl (checked per data file, resolved against all of them):

1. A is a W3C Web Annotation (the provenance contract of issue 13): `a oa:Annotation`, `oa:motivatedBy
   oa:identifying`, `oa:hasBody N`, and one `oa:hasTarget` E, an `oa:SpecificResource` with one
   `oa:hasSource` D and one `oa:hasSelector` S, an `oa:TextPositionSelector` with one `oa:start` and one
   `oa:end` (curated data never quotes: no `oa:TextQuoteSelector`); D is one of the documents N
   `prov:wasDerivedFrom`.
2. D's `dct:identifier` names a file in ../shared/seeds or ../shared/dev/texts; its `ph:sha256` is the
   digest of the file's bytes.
3. 0 <= start < end <= the length of the file's NFC text.
4. The span `text[start:end]` names N. Texts are compared after NFC, case folding and collapsing white
   space; the span names N when it contains
   a. a name of N: a `skos:prefLabel`, `skos:altLabel` or `foaf:name`, or its `eli:id_local` (compared
      with all white space removed, since sources write "37- CT/TW" and "163 /CTr-UBND-LĐLĐ");
   b. for a `ph:Commitment`: a name of one of its lead, partner or addressee actors; or the span starts with its
      item number as printed, followed by ".", "-" or ")": the item number is `ph:clause` without a
      leading Roman section number when the rest is dotted digits ("II.1.1" -> "1.1"), else the letter
      of a lettered item ("III.4.đ" -> "đ") or a trailing number ("Đẩy mạnh 1" -> "1"); or a label of
      one of its `ph:frequency` concepts; or a value of one of its targets written as a number (rule
      below);
   c. for a `ph:Event`: a name of one of its organisers, chairs or participants;
   d. for a `ph:Indicator`: its `ph:value`, `ph:minValue` or `ph:maxValue` written as a number, or a name
      of an actor it is about;
   e. for an `org:Membership`: a name of its member or of its organisation;
   f. for a coordination programme or regulation: a name of one of its parties or signatories (a news
      report often says only that the two bodies signed).
   A commitment's span that does not name it by itself is its item's own text: it passes when another span of
   the commitment in the same source names it and starts at most ITEM_REACH characters before it (the
   sentence that names the parties, then the list of items).
   A number is written the Vietnamese way ("." between thousands, "," before decimals: 1833 -> "1.833",
   58.32 -> "58,32") or plainly ("1833", "58.32"), possibly zero-padded ("06"), and not as part of a
   longer number.
5. The span is not cut: it starts and ends on word boundaries, never on white space.

Besides: a commitment's evidence is its own, not cumulative: no span of one commitment holds every span of
another commitment of the same source (a commitment may add the sentence that names its parties beside its
own item, and several items may share that sentence).

Besides, every `N prov:wasDerivedFrom D` with D a `ph:SourceDocument` is backed by at least one piece of
evidence in D.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, SKOS

from phoihop.namespaces import ELI, OA, ORG, PH

ROOT = Path(__file__).resolve().parents[1]
DATA_FILES = sorted((ROOT / "data").glob("*.ttl"))
SEEDS = ROOT.parent / "shared" / "seeds"
DEV_TEXTS = ROOT.parent / "shared" / "dev" / "texts"  # the twelve dev texts curated in data/<stem>.ttl

pytestmark = pytest.mark.seeds

NAME_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, FOAF.name)
LINKED_NAMES = {
    PH.Commitment: (PH.leadActor, PH.partnerActor, PH.addressee),
    PH.Event: (PH.organiser, PH.chair, PH.participant),
    PH.Indicator: (PH.aboutActor,),
    ORG.Membership: (ORG.member, ORG.organization),
    # an agreement a report never names ("the two sides signed ...") is identified by its parties
    PH.CoordinationProgramme: (PH.party, PH.signatory),
    PH.CoordinationRegulation: (PH.party, PH.signatory),
}
EVENT_CLASSES = (PH.Event, PH.Conference, PH.Signing, PH.Dialogue)
ITEM_REACH = 4000  # characters from a commitment's naming span to the item text it introduces (about a page)


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text)).casefold()).strip()


@cache
def graphs() -> tuple[dict[Path, Graph], Graph]:
    """Each data file's graph, and the union of all of them with the SKOS schemes (frequency labels).

    The union is built from the per-file graphs, so a blank node has the same identity in both.
    """
    own = {path: Graph().parse(path, format="turtle") for path in DATA_FILES}
    union = Graph()
    for graph in own.values():
        union += graph
    for path in sorted((ROOT / "ontology" / "schemes").glob("*.ttl")):
        union.parse(path, format="turtle")
    return own, union


@cache
def source_file(name: str) -> Path:
    """A source document's file: one of the five seeds or one of the dev texts."""
    return next((folder / name for folder in (SEEDS, DEV_TEXTS) if (folder / name).is_file()), SEEDS / name)


@cache
def seed_text(name: str) -> str:
    return unicodedata.normalize("NFC", source_file(name).read_text(encoding="utf-8"))


def names(graph: Graph, node) -> set[str]:
    return {fold(o) for p in NAME_PROPERTIES for o in graph.objects(node, p)}


def number_written(value: Literal, span: str) -> bool:
    """Whether the span shows the number, Vietnamese style or plain, as a whole number token."""
    number = Decimal(str(value)).normalize()
    whole, _, frac = format(number, "f").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    forms = {whole, grouped} if not frac else {f"{whole}.{frac}", f"{whole},{frac}", f"{grouped},{frac}"}
    return any(re.search(rf"(?<![\d.,])0*{re.escape(form)}(?![\d]|[.,]\d)", span) for form in forms)


def item_number(clause: str) -> str | None:
    """The number printed where a clause starts: 'II.1.1' -> '1.1', 'III.4.đ' -> 'đ', 'Mục 1' -> '1'."""
    rest = re.sub(r"^[IVXLC]+(\.|$)", "", str(clause).strip())
    if re.fullmatch(r"\d+(\.\d+)*", rest):
        return rest
    match = re.search(r"(?:^|\.)(\w)$|(?:^|\s)(\d+)$", rest)
    return fold(match.group(1) or match.group(2)) if match else None


def span_names_node(graph: Graph, node, span: str) -> bool:
    folded = fold(span)
    if any(n and n in folded for n in names(graph, node)):
        return True
    squeezed = re.sub(r"\s+", "", folded)
    if any(re.sub(r"\s+", "", fold(n)) in squeezed for n in graph.objects(node, ELI.id_local)):
        return True
    types = set(graph.objects(node, RDF.type))
    if types & set(EVENT_CLASSES):
        types.add(PH.Event)
    for cls, properties in LINKED_NAMES.items():
        if cls in types and any(n and n in folded for p in properties for other in graph.objects(node, p)
                                for n in names(graph, other)):
            return True
    if PH.Commitment in types:
        numbers = {item_number(c) for c in graph.objects(node, PH.clause)} - {None}
        if any(re.match(rf"{re.escape(n)}\s*[.)-]", folded) for n in numbers):
            return True
        if any(n in folded for f in graph.objects(node, PH.frequency) for n in names(graph, f)):
            return True
        values = [v for t in graph.objects(node, PH.target) for p in (PH.minValue, PH.maxValue)
                  for v in graph.objects(t, p)]
        return any(number_written(v, span) for v in values)
    if PH.Indicator in types:
        values = [v for p in (PH.value, PH.minValue, PH.maxValue) for v in graph.objects(node, p)]
        return any(number_written(v, span) for v in values)
    return False


def annotation_problems(graph: Graph, node, annotation) -> list[str]:
    """What is wrong with the Web Annotation around a piece of evidence (empty when nothing is)."""
    problems = []
    if (annotation, RDF.type, OA.Annotation) not in graph:
        problems.append(f"{node}: evidence is not an oa:Annotation")
    if set(graph.objects(annotation, OA.motivatedBy)) != {OA.identifying}:
        problems.append(f"{node}: evidence annotation is not oa:motivatedBy oa:identifying")
    if set(graph.objects(annotation, OA.hasBody)) != {node}:
        problems.append(f"{node}: evidence annotation's oa:hasBody is not the node itself")
    targets = list(graph.objects(annotation, OA.hasTarget))
    if len(targets) != 1 or (targets[0], RDF.type, OA.SpecificResource) not in graph:
        problems.append(f"{node}: evidence annotation needs one oa:hasTarget, an oa:SpecificResource")
    return problems


def span_of(graph: Graph, annotation) -> tuple[str, int, int] | None:
    """(file name, start, end) of an annotation's text-position selector, if it has exactly one."""
    target = graph.value(annotation, OA.hasTarget)
    selector = graph.value(target, OA.hasSelector) if target is not None else None
    source = graph.value(target, OA.hasSource) if target is not None else None
    identifier = graph.value(source, DCTERMS.identifier) if source is not None else None
    if selector is None or identifier is None:
        return None
    start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
    if start is None or end is None:
        return None
    return str(identifier), int(start), int(end)


def is_cut(text: str, start: int, end: int) -> bool:
    """A span that starts or ends inside a word, or on white space."""
    inside = (start > 0 and text[start - 1].isalnum() and text[start].isalnum()) or \
        (end < len(text) and text[end - 1].isalnum() and text[end].isalnum())
    return inside or text[start].isspace() or text[end - 1].isspace()


def cumulative_spans(spans: dict) -> list[str]:
    """Commitments one of whose spans holds every span of another commitment of the same source."""
    found = []
    for node, own in spans.items():
        for file, start, end in own:
            for other, theirs in spans.items():
                if other != node and theirs and set(theirs) != {(file, start, end)} and all(
                        f == file and start <= s and e <= end for f, s, e in theirs):
                    found.append(f"{node}: span [{start}, {end}) of {file} swallows all of {other}'s evidence")
    return found


def introduced(graph: Graph, node, file: str, start: int) -> bool:
    """Whether a commitment's item span follows, within ITEM_REACH, another of its spans that names it."""
    if (node, RDF.type, PH.Commitment) not in graph:
        return False
    text = seed_text(file)
    for annotation in graph.objects(node, PH.evidence):
        other = span_of(graph, annotation)
        if other and other[0] == file and 0 < start - other[1] <= ITEM_REACH and \
                span_names_node(graph, node, text[other[1]:other[2]]):
            return True
    return False


def evidence_problems(graph: Graph, node, annotation) -> list[str]:
    """What is wrong with one piece of evidence (empty when nothing is)."""
    problems = annotation_problems(graph, node, annotation)
    evidence = graph.value(annotation, OA.hasTarget)
    if evidence is None:
        return problems
    sources = list(graph.objects(evidence, OA.hasSource))
    selectors = list(graph.objects(evidence, OA.hasSelector))
    if len(sources) != 1 or len(selectors) != 1:
        return problems + [f"{node}: evidence needs one oa:hasSource and one oa:hasSelector (never a quote)"]
    source, selector = sources[0], selectors[0]
    starts, ends = list(graph.objects(selector, OA.start)), list(graph.objects(selector, OA.end))
    if (selector, RDF.type, OA.TextPositionSelector) not in graph or len(starts) != 1 or len(ends) != 1:
        return [f"{node}: selector must be an oa:TextPositionSelector with one oa:start and one oa:end"]
    if source not in set(graph.objects(node, PROV.wasDerivedFrom)):
        problems.append(f"{node}: evidence source {source} is not among its prov:wasDerivedFrom")
    identifier = graph.value(source, DCTERMS.identifier)
    if identifier is None or not source_file(str(identifier)).is_file():
        return problems + [f"{node}: source {source} has no dct:identifier naming a seed or dev text ({identifier})"]
    digest = hashlib.sha256(source_file(str(identifier)).read_bytes()).hexdigest()
    if str(graph.value(source, PH.sha256)) != digest:
        problems.append(f"{source}: ph:sha256 does not match {identifier}")
    text = seed_text(str(identifier))
    start, end = int(starts[0]), int(ends[0])
    if not 0 <= start < end <= len(text):
        return problems + [f"{node}: span [{start}, {end}) outside {identifier} (length {len(text)})"]
    if not span_names_node(graph, node, text[start:end]) and not introduced(graph, node, str(identifier), start):
        excerpt = text[start:end][:80]
        problems.append(f"{node}: span [{start}, {end}) of {identifier} does not name it: {excerpt!r}")
    if is_cut(text, start, end):
        problems.append(f"{node}: span [{start}, {end}) of {identifier} starts or ends inside a word")
    return problems


@pytest.fixture(scope="module")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"../shared/seeds not present: {SEEDS} is only on the team's machines")
    return SEEDS


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_every_evidence_span_names_its_node(seeds: Path, path: Path) -> None:
    files, graph = graphs()
    problems = [p for node, evidence in files[path].subject_objects(PH.evidence)
                for p in evidence_problems(graph, node, evidence)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_every_source_document_claim_has_evidence_in_it(seeds: Path, path: Path) -> None:
    files, graph = graphs()
    documents = set(graph.subjects(RDF.type, PH.SourceDocument))
    missing = [f"{node} derived from {doc} without evidence in it"
               for node, doc in files[path].subject_objects(PROV.wasDerivedFrom) if doc in documents
               and not any(graph.value(graph.value(a, OA.hasTarget), OA.hasSource) == doc
                           for a in graph.objects(node, PH.evidence))]
    assert not missing, "\n".join(missing)


def test_commitment_spans_are_not_cumulative(seeds: Path) -> None:
    """Regression (issue 13): items of one list carried spans growing from the list's start, each holding the
    spans of the items before it."""
    _, graph = graphs()
    spans = {c: [s for a in graph.objects(c, PH.evidence) if (s := span_of(graph, a))]
             for c in graph.subjects(RDF.type, PH.Commitment)}
    assert not cumulative_spans(spans), "\n".join(cumulative_spans(spans))


def test_curated_evidence_never_quotes() -> None:
    """Curated data points at offsets; only ingest output may carry an oa:TextQuoteSelector."""
    _, graph = graphs()
    quoted = sorted(str(s) for s in graph.subjects(RDF.type, OA.TextQuoteSelector)) + \
        sorted(str(s) for s, _ in graph.subject_objects(OA.exact))
    assert not quoted, quoted


@pytest.mark.parametrize(("value", "span", "expected"), [
    ("1833", "tạo việc làm cho 1.833 công nhân", True),
    ("58.32", "(đạt 58,32%)", True),
    ("6", "tổ chức 06 buổi", True),
    ("2", "từ 2.600 tỷ", False),
    ("49.095", "49,095 tỷ đồng", True),
    ("100", "từ 1000 đơn vị", False),
])
def test_number_rule(value: str, span: str, expected: bool) -> None:
    assert number_written(Literal(Decimal(value)), span) is expected


def test_item_number() -> None:
    clauses = ("II.1.1", "III.4.đ", "III.1", "III", "Đẩy mạnh 1", "Nhiệm vụ trung tâm")
    assert [item_number(c) for c in clauses] == ["1.1", "đ", "1", None, "1", None]


def test_unknown_node_is_not_named() -> None:
    assert not span_names_node(Graph(), URIRef("urn:x"), "anything at all")


@pytest.mark.parametrize(("span", "expected"), [
    ("Công an tỉnh và LĐLĐ tỉnh ký kết", True),     # the parties named: the agreement is identified
    ("hai bên ký kết", False),                      # nothing names it
])
def test_an_agreement_is_named_by_its_parties(span: str, expected: bool) -> None:
    graph = Graph()
    agreement, police = URIRef("urn:agreement"), URIRef("urn:police")
    graph.add((agreement, RDF.type, PH.CoordinationRegulation))
    graph.add((agreement, PH.party, police))
    graph.add((police, SKOS.altLabel, Literal("Công an tỉnh", lang="vi")))
    assert span_names_node(graph, agreement, span) is expected


@pytest.mark.parametrize(("text", "start", "end", "expected"), [
    ("Liên đoàn Lao động quận", 0, 9, False),
    ("Liên đoàn Lao động quận", 0, 8, True),      # ends inside "đoàn"
    ("Liên đoàn Lao động quận", 1, 9, True),      # starts inside "Liên"
    ("Liên đoàn Lao động quận", 4, 9, True),      # starts on a space
    ("(nếu có).", 0, 9, False),
])
def test_cut_rule(text: str, start: int, end: int, expected: bool) -> None:
    assert is_cut(text, start, end) is expected


@pytest.mark.parametrize(("spans", "swallowed"), [
    ({"a": [("f", 0, 50)], "b": [("f", 0, 80)]}, ["b"]),                  # b grows over a: cumulative
    ({"a": [("f", 0, 10), ("f", 20, 30)], "b": [("f", 0, 10), ("f", 40, 50)]}, []),  # shared party sentence
    ({"a": [("f", 0, 10)], "b": [("f", 0, 10)]}, []),                     # one sentence, two items
    ({"a": [("f", 0, 50)], "b": [("g", 0, 80)]}, []),                     # other source
])
def test_cumulative_rule(spans: dict, swallowed: list) -> None:
    assert [line.split(":")[0] for line in cumulative_spans(spans)] == swallowed
