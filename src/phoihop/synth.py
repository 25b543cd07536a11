"""A synthetic all-Vietnam graph in phoihop's model, of any size, for benchmarks and scale tests.

The five source documents are a seed; the real corpus is every coordination agreement of every province,
district and ministry over two decades. `synth` writes a graph shaped like that corpus and conforming to the
shapes: national bodies and ministries, every province of the gazetteer with its People's Committee,
People's Council, Party committee, Labour Federation and departments, districts with their committee and
federation, Party and state instruments with correct number grammars, coordination programmes and
regulations between realistic pairs from 2005 to 2030 (each succeeding the one before, across the 2025
merger of provinces), commitments with leads, partners, topics, frequencies and targets, the persons who
sign them and their posts, signings, reviews and reported figures, and provenance for every fact
(synthetic source documents with text-position evidence). Documents are sized like real ones: an agreement's
text describes its 30-60 tasks, the instruments it cites, its signatories and their posts (about 50 nodes,
where the five seed programmes describe 23-99); a province's directory lists its bodies; a review reports on
several targets (data/synth/documents.csv).

Everything comes from tables (`synth_tables`): the gazetteer, the lexicon and data/synth/*.csv; a seed makes
the output byte-for-byte reproducible. Lines are streamed to the file (N-Triples or N-Quads, Turtle by
conversion), so millions of triples never sit in memory. The size is a target: generation stops after the
first agreement that reaches it, so the file holds a little more.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import random
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .atomic import atomic_write
from .errors import UsageError
from .iris import issuer_key, number_slug, slug
from .namespaces import DCT, ELI, ID, PH
from .store import PREFIX_MAP
from .synth_tables import Action, PairKind, Tables, load_tables
from .synth_world import (
    DISTRICTS_END,
    MERGER,
    NOTE,
    PERIODS,
    TRIPLES_PER_PROVINCE,
    XSD_DECIMAL,
    A,
    Agreement,
    LineWriter,
    Place,
    World,
    en_date,
    nt_date,
    nt_iri,
    nt_lit,
    nt_typed,
)

log = logging.getLogger("phoihop.synth")

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")


def parse_size(text: str | int) -> int:
    """'10k' -> 10_000, '1M' -> 1_000_000, '2500' -> 2500."""
    if isinstance(text, int):
        return text
    match = _SIZE.match(text)
    if not match:
        raise UsageError(f"not a size: {text!r} (write 10k, 100k, 1M or a number)")
    return int(float(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()])


@dataclass
class SynthResult:
    """What `synth` wrote."""

    path: str
    triples: int
    counts: dict[str, int]
    seconds: float


class Generator(World):
    """Streams the synthetic world into a writer until it holds `target` triples."""

    def agreement(self, pair: PairKind, place: Place, period: tuple[int, int],
                  predecessors: list[Agreement]) -> Agreement:
        t, w, rng = self.t, self.w, self.rng
        first, second = t.body(pair.level, pair.a), t.body(pair.level, pair.b)
        actors = (self.actor(first, place), self.actor(second, place))
        earliest = dt.date(period[0] - 1, 10, 1)
        if place.province is not None and place.province.valid_from:
            earliest = max(earliest, place.province.valid_from)
        day = earliest + dt.timedelta(days=rng.randint(0, 250))
        issuer_area = "/".join(place.path) or None
        joint = f"{pair.kind}-{first.code}-{second.code}"
        n = self.next_number(issuer_key(f"1/{joint}", issuer_area), day.year, pair.kind, 0)
        number = f"{n}/{joint}"
        node = self.instrument_node(number, place, day.year)
        _, first_vi, first_en = self.actor_names(first, place)
        _, second_vi, second_en = self.actor_names(second, place)
        doctype = t.doctypes[pair.kind]
        what_vi = "Chương trình phối hợp" if pair.kind == "CTr" else "Quy chế phối hợp"
        what_en = "Coordination programme" if pair.kind == "CTr" else "Coordination regulation"
        span = f"{period[0]}-{period[1]}"
        doc = self.source(f"synth-{number_slug(number)}-{issuer_key(number, issuer_area)}-{day.year}",
                          f"{what_vi} số {number} giữa {first_vi} và {second_vi}",
                          f"{what_en} No. {number} between {first_en} and {second_en}", day, first_vi)
        heads = [self.head(first, place, period, doc), self.head(second, place, period, doc)]
        topic_vi = ", ".join(t.topics[x][0].lower() for x in pair.topics[:2])
        when_vi, when_en = (f" giai đoạn {span}", f" for {span}") if pair.kind == "CTr" else ("", "")
        self.write_instrument(node, doctype, number, day, list(actors),
                              f"{what_vi} số {number}{when_vi} giữa {first_vi} và {second_vi}",
                              f"{what_en} No. {number}{when_en} between {first_en} and {second_en}",
                              f"Phối hợp về {topic_vi}{when_vi}", doc)
        self.in_graph(doc)
        for actor in actors:
            w.add(node, nt_iri(PH.party), actor)
        for person in heads:
            if person:
                w.add(node, nt_iri(PH.signatory), person)
        ends = dt.date(period[1], 12, 31) if pair.kind == "CTr" else None  # a regulation stands till replaced
        if place.level == "district" and period[1] >= DISTRICTS_END.year:  # ... or till its parties are abolished
            ends = DISTRICTS_END
        w.add(node, nt_iri(PH.period), self.interval(dt.date(max(period[0], day.year), 1, 1), ends))
        for topic in pair.topics:
            w.add(node, nt_iri(DCT.subject), nt_iri(ID[f"topic/{topic}"]))
        for earlier in predecessors:
            w.add(node, nt_iri(PH.succeeds), earlier.iri)
        law = self.law(day.year, doc)
        basis = ([law] if law else []) + self.references(place, day.year, "basis", rng, doc)
        directives = self.references(place, day.year, "directive", rng, doc)
        self.in_graph(doc)
        for ref in basis:
            w.add(node, nt_iri(ELI.based_on), ref)
        for ref in directives[:1]:
            w.add(node, nt_iri(PH.implements), ref)
        record = Agreement(node, number, place, (first, second), actors, period, pair.topics, doc,
                           f"{what_vi} số {number}")
        self.commitments(record, node, doc, self.size("agreement-commitments"), directives)
        self.signing(record, day, heads)
        if period[0] + 2 <= 2025:
            self.review(record, dt.date(period[0] + 2, 12, 1) + dt.timedelta(days=rng.randint(0, 25)))
        self.agreements.append(record)
        return record

    def commitments(self, record: Agreement, programme: str, doc: str, count: int,
                    directives: list[str]) -> None:
        """The tasks of an agreement or plan: who leads, who joins, what, how often, towards which target."""
        t, w, rng = self.t, self.w, self.rng
        sections = {"II": 0, "III": 0}
        for index in range(count):
            section = "II" if index < count * 0.7 else "III"
            sections[section] += 1
            clause = f"{section}.{sections[section]}"  # II.1, II.2, ..., III.1
            node = nt_iri(f"{programme[1:-1]}/commitment/{slug(clause)}")
            topic = rng.choice(record.topics)
            action = rng.choice(t.actions[topic])
            self.in_graph(doc)
            w.add(node, A, nt_iri(PH.Commitment))
            w.add(node, nt_iri(PH.programme), programme)
            lead = rng.randrange(2)
            w.add(node, nt_iri(PH.leadActor), record.actors[lead])
            w.add(node, nt_iri(PH.partnerActor), record.actors[1 - lead])
            if rng.random() < 0.35 and record.place.level != "district":
                others = [b for b in t.bodies[record.place.level] if b not in record.parties]
                helper = self.actor(rng.choice(others), record.place)
                self.in_graph(doc)
                w.add(node, nt_iri(PH.partnerActor), helper)
            w.add(node, nt_iri(PH.action), nt_lit(action.vi, "vi"))
            w.add(node, nt_iri(PH.action), nt_lit(action.en, "en"))
            w.add(node, nt_iri(PH.topic), nt_iri(ID[f"topic/{topic}"]))
            w.add(node, nt_iri(PH.frequency), nt_iri(ID[f"frequency/{action.frequency}"]))
            w.add(node, nt_iri(PH.clause), nt_lit(clause))
            w.add(node, nt_iri(PH.status), nt_iri(ID[f"status/{self.status(node)}"]))
            if action.unit and rng.random() < 0.7:
                w.add(node, nt_iri(PH.target), self.quantity(action, rng))
                if programme == record.iri:
                    record.targets.append((node, action))
            if directives and rng.random() < 0.2:
                w.add(node, nt_iri(PH.implements), rng.choice(directives))
            self.provenance(node, doc, action.vi)
            self.count("Commitment")

    def status(self, node: str) -> str:
        """What a task is (data/synth/statuses.csv), drawn on a generator of its own so that the rest of the
        graph does not depend on the weights."""
        codes, weights = zip(*self.t.statuses, strict=True)
        return self.sub_rng("status", node).choices(codes, weights=weights)[0]

    def reported_result(self, record: Agreement, day: dt.date, doc: str, commitment: str, action: Action,
                        rng: random.Random) -> None:
        """What a mid-term review reports on one of the agreement's targeted commitments: a reported result
        over a closed period (the agreement's start to the end of the review's year), ph:reportsOn the
        commitment, with the figure reached as a target of its own."""
        clause = commitment.rsplit("/", 1)[-1][:-1]
        node = nt_iri(f"{record.iri[1:-1]}/commitment/ket-qua-{day.year}-{clause}")
        value = rng.uniform(action.low, action.high) * rng.uniform(0.7, 1.2)
        value = min(round(value, 1), 100.0) if action.unit == "%" else round(value)
        w = self.w
        self.in_graph(doc)
        w.add(node, A, nt_iri(PH.Commitment))
        w.add(node, nt_iri(PH.programme), record.iri)
        w.add(node, nt_iri(PH.status), nt_iri(ID["status/reported-result"]))
        w.add(node, nt_iri(PH.leadActor), record.actors[0])
        w.add(node, nt_iri(PH.action), nt_lit(f"Kết quả: {action.vi}", "vi"))
        w.add(node, nt_iri(PH.action), nt_lit(f"Result: {action.en}", "en"))
        w.add(node, nt_iri(PH.topic), nt_iri(ID[f"topic/{action.topic}"]))
        w.add(node, nt_iri(PH.clause), nt_lit(f"Kết quả {day.year} ({clause})"))
        w.add(node, nt_iri(PH.period), self.interval(dt.date(record.period[0], 1, 1), dt.date(day.year, 12, 31)))
        w.add(node, nt_iri(PH.reportsOn), commitment)
        figure = self.bnode()
        w.add(node, nt_iri(PH.target), figure)
        w.add(figure, A, nt_iri(PH.Target))
        for prop in (PH.minValue, PH.maxValue):
            w.add(figure, nt_iri(prop), nt_typed(f"{value:g}", XSD_DECIMAL))
        w.add(figure, nt_iri(PH.unit), nt_lit(action.unit, "vi"))
        self.provenance(node, doc, "kết quả", rng)
        self.count("Commitment")

    def quantity(self, action: Action, rng: random.Random) -> str:
        node = self.bnode()
        w = self.w
        low = rng.uniform(action.low, action.high)
        if action.unit != "%":
            low = round(low)
        w.add(node, A, nt_iri(PH.Target))
        w.add(node, nt_iri(PH.minValue), nt_typed(f"{low:g}", XSD_DECIMAL))
        if rng.random() < 0.4:
            high = min(action.high, low * 1.5) if action.unit == "%" else round(low * 1.5)
            w.add(node, nt_iri(PH.maxValue), nt_typed(f"{max(high, low):g}", XSD_DECIMAL))
        w.add(node, nt_iri(PH.unit), nt_lit(action.unit, "vi"))
        if action.per:
            w.add(node, nt_iri(PH.perPeriod), nt_iri(ID[f"frequency/{action.per}"]))
        if action.note:
            w.add(node, NOTE, nt_lit(action.note, "vi"))
        return node

    def event_iri(self, day: dt.date, what: str, record: Agreement) -> str:
        return nt_iri(ID[f"event/{day.isoformat()}/{what}-{record.key}"])

    def signing(self, record: Agreement, day: dt.date, heads: list[str | None]) -> None:
        node = self.event_iri(day, "ky-ket", record)
        w = self.w
        self.in_graph(record.doc)
        w.add(node, A, nt_iri(PH.Signing))
        self.labels(node, f"Lễ ký kết {record.label_vi}")
        w.add(node, nt_iri(DCT.date), nt_date(day))
        w.add(node, nt_iri(PH.organiser), record.actors[0])
        w.add(node, nt_iri(PH.participant), record.actors[1])
        if heads[0]:
            w.add(node, nt_iri(PH.chair), heads[0])
        w.add(node, nt_iri(PH.signs), record.iri)
        self.provenance(node, record.doc, "ký kết")
        self.count("Event")

    def review(self, record: Agreement, day: dt.date) -> None:
        """A mid-term review conference and a figure it reported, from a synthetic report of its own."""
        rng, w = self.rng, self.w
        stem = f"synth-so-ket-{record.key}"
        _, first_vi, _ = self.actor_names(record.parties[0], record.place)
        doc = self.source(stem, f"Sơ kết {record.label_vi}", f"Mid-term review of {record.number}", day,
                          first_vi)
        node = self.event_iri(day, "so-ket", record)
        self.in_graph(doc)
        w.add(node, A, nt_iri(PH.Conference))
        self.labels(node, f"Hội nghị sơ kết {record.label_vi}")
        w.add(node, nt_iri(DCT.date), nt_date(day))
        for actor in record.actors:
            w.add(node, nt_iri(PH.organiser), actor)
        w.add(node, nt_iri(PH.reviews), record.iri)
        w.add(node, nt_iri(PH.outcome), nt_lit("Thống nhất tiếp tục thực hiện các nhiệm vụ còn lại", "vi"))
        self.provenance(node, doc, "sơ kết")
        self.count("Event")
        own = self.sub_rng("result", record.key)
        reported = own.sample(record.targets, min(len(record.targets), self.size("review-results", own)))
        for commitment, action in reported:
            self.reported_result(record, day, doc, commitment, action, own)
        measured = [(topic, a) for topic in record.topics for a in self.t.actions[topic] if a.unit]
        for topic, action in rng.sample(measured, min(len(measured), self.size("review-indicators"))):
            self.indicator(record, stem, doc, day, topic, action, rng)

    def indicator(self, record: Agreement, stem: str, doc: str, day: dt.date, topic: str, action: Action,
                  rng: random.Random) -> None:
        """A figure a review reports about the agreement's second party (ph:Indicator)."""
        indicator = nt_iri(ID[f"indicator/{stem}/{slug(action.unit) or 'ty-le'}-{topic}-{slug(action.vi)[:40]}"])
        if not self.first_time(indicator):
            return
        w = self.w
        self.in_graph(doc)
        w.add(indicator, A, nt_iri(PH.Indicator))
        self.labels(indicator, action.note or action.vi)
        value = round(rng.uniform(action.low, action.high) * 2)
        w.add(indicator, nt_iri(PH.value), nt_typed(f"{value:g}", XSD_DECIMAL))
        w.add(indicator, nt_iri(PH.unit), nt_lit(action.unit, "vi"))
        w.add(indicator, nt_iri(PH.refPeriod), self.interval(dt.date(record.period[0], 1, 1),
                                                            dt.date(day.year, 12, 31)))
        w.add(indicator, nt_iri(PH.aboutActor), record.actors[1])
        w.add(indicator, nt_iri(PH.reportsOn), record.iri)
        self.provenance(indicator, doc, action.unit)
        self.count("Indicator")

    def plan(self, record: Agreement, year: int) -> None:
        """A yearly plan by the second party carrying the agreement out, with tasks of its own."""
        body = record.parties[1]
        place = record.place
        issuer, issuer_vi, issuer_en = self.actor_names(body, place)
        day = dt.date(year, 1, 5) + dt.timedelta(days=self.rng.randint(0, 80))
        area = "/".join(place.path) or None
        n = self.next_number(issuer_key(f"1/KH-{body.code}", area), year, "KH", 400)
        number = f"{n}/KH-{body.code}"
        node = self.instrument_node(number, place, year)
        doctype = self.t.doctypes["KH"]
        label = f"Kế hoạch số {number} thực hiện {record.label_vi} năm {year}"
        doc = self.source(f"synth-{number_slug(number)}-{issuer_key(number, area)}-{year}", label,
                          f"Plan No. {number} carrying out {record.number} in {year}", day, issuer_vi)
        self.write_instrument(node, doctype, number, day, [issuer], label,
                              f"Plan No. {number} of {en_date(day)} ({issuer_en})",
                              f"Thực hiện {record.label_vi} năm {year}", doc)
        self.in_graph(doc)
        self.w.add(node, nt_iri(PH.implements), record.iri)
        self.commitments(record, node, doc, self.size("plan-commitments"), [record.iri])

    # --- the whole run -----------------------------------------------------------------------------------
    def series(self, pair: PairKind, place: Place) -> Iterator[None]:
        """The agreements of one pair of bodies in one place, period after period (one step per agreement)."""
        previous: list[Agreement] = []
        for period in PERIODS:
            here = place
            if place.level == "district" and period[0] > DISTRICTS_END.year:
                return
            merged = place.level == "province" and place.province and place.province.merged_into
            if merged and period[0] > MERGER.year:
                successor = self.t.areas[place.province.merged_into]
                here = self.province_place(successor)
                self.open_place(here)
                self.merge((self.t.body(place.level, pair.a), self.t.body(place.level, pair.b)), place, here)
                key = (here.key + ":" + pair.a + ":" + pair.b, period[0])
                if key in self._successors:  # another old province merged into it already started it
                    later = self._successors[key]
                    self.in_graph(later.doc)
                    for earlier in previous:
                        self.w.add(later.iri, nt_iri(PH.succeeds), earlier.iri)
                    return
            if self.full():
                return
            record = self.agreement(pair, here, period, previous)
            if here is not place:
                self._successors[(here.key + ":" + pair.a + ":" + pair.b, period[0])] = record
            previous = [record]
            yield

    def work(self, place: Place) -> list[tuple[PairKind, Place]]:
        """The series of one place: its own pairs interleaved with those of its districts."""
        own = [(p, place) for p in self.t.pairs if p.level == place.level]
        if place.level != "province":
            return own
        district_pairs = [p for p in self.t.pairs if p.level == "district"]
        below = [(p, d) for d in self.districts(place) for p in district_pairs]
        out = []
        for i in range(max(len(own), len(below))):
            out += own[i:i + 1] + below[i:i + 1]
        return out

    def run(self) -> None:
        provinces = list(self.t.provinces)
        self.sub_rng("provinces").shuffle(provinces)
        wanted = max(2, min(len(provinces), round(self.target / TRIPLES_PER_PROVINCE)))
        places = [self.nation] + [self.province_place(a) for a in provinces[:wanted]]
        for place in places:
            self.open_place(place)
        queues = [self.work(p) for p in places]
        for round_ in range(max(len(q) for q in queues)):
            for queue in queues:
                if round_ < len(queue):
                    pair, place = queue[round_]
                    self.open_place(place)
                    for _ in self.series(pair, place):
                        if self.full():
                            return
        for record in list(self.agreements):  # more than the agreements hold: yearly plans carrying them out
            for year in range(record.period[0], record.period[1] + 1):
                if self.full():
                    return
                self.plan(record, year)


def synth(triples: int | str, out: str | Path, seed: int = 1) -> SynthResult:
    """Write a graph of about `triples` triples to `out` (.nt, .nq or .ttl; '-' = N-Triples on stdout)."""
    target = parse_size(triples)
    if target < 1:
        raise UsageError("the size must be positive")
    out = str(out)
    suffix = Path(out).suffix.lower() if out != "-" else ".nt"
    if suffix not in (".nt", ".nq", ".ttl"):
        raise UsageError(f"cannot write {suffix or 'a file without extension'}: use .nt, .nq or .ttl",
                         path=out)
    tables = load_tables()
    start = time.perf_counter()
    if suffix == ".ttl":
        fd, tmp = tempfile.mkstemp(suffix=".nt", dir=Path(out).parent)
        os.close(fd)
        try:
            result = _write(tables, tmp, target, seed, quads=False)
            with atomic_write(out, "wb") as handle:
                ox.serialize(ox.parse(path=tmp, format=ox.RdfFormat.N_TRIPLES), handle,
                             format=ox.RdfFormat.TURTLE, prefixes=PREFIX_MAP)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    else:
        result = _write(tables, out, target, seed, quads=suffix == ".nq")
    result.path, result.seconds = out, time.perf_counter() - start
    log.debug("synth: %d triples in %.1f s -> %s", result.triples, result.seconds, out)
    return result


def _write(tables: Tables, path: str, target: int, seed: int, quads: bool) -> SynthResult:
    with atomic_write(path) as handle:
        writer = LineWriter(handle, quads)
        generator = Generator(tables, writer, target, seed)
        generator.run()
        writer.flush()
    return SynthResult(path, writer.count, dict(sorted(generator.counts.items())), 0.0)
