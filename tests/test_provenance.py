"""Every piece of curated evidence points at the text it claims to.

For each `N ph:evidence E` in data/*.ttl (checked per data file, resolved against all of them):

1. E has one `oa:hasSource` D and one `oa:hasSelector` S, an `oa:TextPositionSelector` with one
   `oa:start` and one `oa:end`; D is one of the documents N `prov:wasDerivedFrom`.
2. D's `dct:identifier` names a file in ../shared/seeds; its `ph:sha256` is the digest of the file's bytes.
3. 0 <= start < end <= the length of the file's NFC text.
4. The span `text[start:end]` names N. Texts are compared after NFC, case folding and collapsing white
   space; the span names N when it contains
   a. a name of N: a `skos:prefLabel`, `skos:altLabel` or `foaf:name`, or its `eli:id_local` (compared
      with all white space removed, since sources write "37- CT/TW" and "163 /CTr-UBND-LĐLĐ");
   b. for a `ph:Commitment`: a name of one of its lead or partner actors; or the span starts with its
      item number as printed, followed by ".", "-" or ")": the item number is `ph:clause` without a
      leading Roman section number when the rest is dotted digits ("II.1.1" -> "1.1"), else the letter
      of a lettered item ("III.4.đ" -> "đ") or a trailing number ("Đẩy mạnh 1" -> "1"); or a label of
      one of its `ph:frequency` concepts; or a value of one of its targets written as a number (rule
      below);
   c. for a `ph:Event`: a name of one of its organisers, chairs or participants;
   d. for a `ph:Indicator`: its `ph:value`, `ph:minValue` or `ph:maxValue` written as a number, or a name
      of an actor it is about;
   e. for an `org:Membership`: a name of its member or of its organisation.
   A number is written the Vietnamese way ("." between thousands, "," before decimals: 1833 -> "1.833",
   58.32 -> "58,32") or plainly ("1833", "58.32"), possibly zero-padded ("06"), and not as part of a
   longer number.

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

pytestmark = pytest.mark.seeds

NAME_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, FOAF.name)
LINKED_NAMES = {
    PH.Commitment: (PH.leadActor, PH.partnerActor),
    PH.Event: (PH.organiser, PH.chair, PH.participant),
    PH.Indicator: (PH.aboutActor,),
    ORG.Membership: (ORG.member, ORG.organization),
}
EVENT_CLASSES = (PH.Event, PH.Conference, PH.Signing, PH.Dialogue)


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
def seed_text(name: str) -> str:
    return unicodedata.normalize("NFC", (SEEDS / name).read_text(encoding="utf-8"))


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


def evidence_problems(graph: Graph, node, evidence) -> list[str]:
    """What is wrong with one piece of evidence (empty when nothing is)."""
    sources = list(graph.objects(evidence, OA.hasSource))
    selectors = list(graph.objects(evidence, OA.hasSelector))
    if len(sources) != 1 or len(selectors) != 1:
        return [f"{node}: evidence needs one oa:hasSource and one oa:hasSelector"]
    source, selector = sources[0], selectors[0]
    starts, ends = list(graph.objects(selector, OA.start)), list(graph.objects(selector, OA.end))
    if (selector, RDF.type, OA.TextPositionSelector) not in graph or len(starts) != 1 or len(ends) != 1:
        return [f"{node}: selector must be an oa:TextPositionSelector with one oa:start and one oa:end"]
    problems = []
    if source not in set(graph.objects(node, PROV.wasDerivedFrom)):
        problems.append(f"{node}: evidence source {source} is not among its prov:wasDerivedFrom")
    identifier = graph.value(source, DCTERMS.identifier)
    if identifier is None or not (SEEDS / str(identifier)).is_file():
        return problems + [f"{node}: source {source} has no dct:identifier naming a seed file ({identifier})"]
    digest = hashlib.sha256((SEEDS / str(identifier)).read_bytes()).hexdigest()
    if str(graph.value(source, PH.sha256)) != digest:
        problems.append(f"{source}: ph:sha256 does not match {identifier}")
    text = seed_text(str(identifier))
    start, end = int(starts[0]), int(ends[0])
    if not 0 <= start < end <= len(text):
        return problems + [f"{node}: span [{start}, {end}) outside {identifier} (length {len(text)})"]
    if not span_names_node(graph, node, text[start:end]):
        excerpt = text[start:end][:80]
        problems.append(f"{node}: span [{start}, {end}) of {identifier} does not name it: {excerpt!r}")
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
               and not any(graph.value(e, OA.hasSource) == doc for e in graph.objects(node, PH.evidence))]
    assert not missing, "\n".join(missing)


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
