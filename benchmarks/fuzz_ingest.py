"""Fuzz `phoihop ingest` for a bounded time: every input is refused with a PhoihopError or gives a conforming graph.

    python benchmarks/fuzz_ingest.py                   # 60 seconds
    python benchmarks/fuzz_ingest.py --seconds 600 --save /tmp/fuzz-failures

Hypothesis generates the inputs (it only generates here: the run is counted, not shrunk), from three sources:
random bytes; random Vietnamese-alphabet text; and the texts of tests/fixtures/ingest mutated (bytes flipped,
inserted, deleted, duplicated, spliced from another text, truncated mid-character; lines upper-cased or
stripped of diacritics; numbers, dates and clause marks inserted; zero-width and control characters; CRLF)
and then encoded as UTF-8, UTF-8 with BOM, UTF-16, Windows-1258 or NFD. Each input goes through the real
file path (`ingest_file`); an accepted graph is checked the way a build checks it (ontology + gazetteer,
inference, the shapes compiled to SPARQL, the check queries). Prints the counts per outcome and exits 1 when
any input crashed ingest or gave a graph that does not conform.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import random
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from phoihop import shacl_sparql
from phoihop.errors import PhoihopError
from phoihop.infer import infer
from phoihop.ingest import ingest_file
from phoihop.normalize import LOWER
from phoihop.store import add_rdflib_graph, load_files
from phoihop.validate import load_shapes, run_checks

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "ingest").glob("*.txt"))
TEXTS = [p.read_bytes() for p in FIXTURES]
# Pieces that steer the extractor into its corners: numbers, dates, clauses, periods, roles, targets.
PIECES = ["Số: 12/KH-UBND", "số 99999999999999999999/QĐ-UBND", "37- CT/TW", "ngày 31/02/2024", "ngày 0/0/0",
          "tháng 13 năm 2024", "Điều 1.", "II.", "1.1.", "a)", "chủ trì, phối hợp với", "Giao", "giai đoạn 2025 - 2020",
          "năm 99999", "Chủ tịch Nguyễn Văn A", "ít nhất 120%", "từ 50 đến 10 đơn vị", "hằng năm", "6 tháng một lần",
          "UBND tỉnh", "LĐLĐ", "Sở", "Căn cứ", "Thực hiện", "\u200b", "\u00a0", "\x0c", "\t", "\r\n", "\ufeff",
          "̀", "**", "#", "---", "|", "[", "]"]
VIET = LOWER.removeprefix("a-z") + "abcdeghiklmnopqrstuvxy"
TEXT_ALPHABET = VIET + VIET.upper() + "0123456789 .,;:/-()%\n"


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters (with ă â ê ô ơ ư) and combining tone marks."""
    out = bytearray()
    for ch in unicodedata.normalize("NFD", text):
        composed = unicodedata.normalize("NFC", ch)
        out += composed.encode("cp1258", errors="replace")
    return bytes(out)


ENCODERS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: t.encode("utf-8-sig"),
    "utf-16": lambda t: t.encode("utf-16"),
    "utf-16-le": lambda t: t.encode("utf-16-le"),
    "windows-1258": _cp1258,
    "nfd": lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
}


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).replace("đ", "d")


def _edit_text(text: str, rng: random.Random) -> str:
    """One text-level mutation at a random place."""
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    kind = rng.randrange(6)
    if kind == 0:
        lines[i] = lines[i].upper()
    elif kind == 1:
        lines[i] = _strip_marks(lines[i])
    elif kind == 2:
        at = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:at] + rng.choice(PIECES) + lines[i][at:]
    elif kind == 3:
        lines.insert(i, rng.choice(lines))
    elif kind == 4:
        del lines[i]
    else:
        rng.shuffle(lines)
    return "\n".join(lines) or rng.choice(PIECES)


def _edit_bytes(data: bytearray, rng: random.Random) -> None:
    """One byte-level mutation at a random place."""
    if not data:
        data += rng.randbytes(8)
        return
    at = rng.randrange(len(data))
    kind = rng.randrange(6)
    if kind == 0:
        data[at] ^= 1 << rng.randrange(8)
    elif kind == 1:
        data[at:at] = rng.randbytes(rng.randrange(1, 16))
    elif kind == 2:
        del data[at:at + rng.randrange(1, 64)]
    elif kind == 3:
        data[at:at] = data[at:at + rng.randrange(1, 256)]
    elif kind == 4:
        other = rng.choice(TEXTS)
        start = rng.randrange(len(other))
        data[at:at] = other[start:start + rng.randrange(1, 400)]
    else:
        del data[at:]


@st.composite
def mutated_fixture(draw) -> tuple[str, bytes]:
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    text = rng.choice(TEXTS).decode("utf-8")
    for _ in range(rng.randrange(6)):
        text = _edit_text(text, rng)
    encoding = rng.choice(list(ENCODERS))
    data = bytearray(ENCODERS[encoding](text))
    for _ in range(rng.choice((0, 0, 1, 3))):
        _edit_bytes(data, rng)
    return f"fixture/{encoding}", bytes(data)


INPUTS = st.one_of(
    st.binary(max_size=4096).map(lambda b: ("random-bytes", b)),
    st.text(alphabet=TEXT_ALPHABET, max_size=2000).map(lambda t: ("random-text", t.encode("utf-8"))),
    mutated_fixture(), mutated_fixture(),  # twice as often: they reach the extractor
)


class Conformance:
    """The checks a build runs, on one ingested graph: shapes (compiled to SPARQL) and check queries."""

    def __init__(self) -> None:
        self.base = list(load_files([], sources=True))  # ontology and gazetteer, parsed once
        self.shapes = load_shapes()

    def problems(self, graph) -> list[str]:
        store = ox.Store()
        store.extend(self.base)
        add_rdflib_graph(store, graph, ox.NamedNode("https://w3id.org/phoihop/id/graph/fuzz"))
        infer(store)
        report = shacl_sparql.validate_store(store, self.shapes, workers=1)
        found = [f"{r.focus} {r.path or ''}: {r.message_en}" for r in report.violations]
        found += [f"check {c.name}: {c.rows[0]}" for c in run_checks(store) if c.rows]
        return found


class Fuzzer:
    """Runs one input through ingest and counts what happened."""

    def __init__(self, folder: Path, save: Path | None):
        self.folder = folder
        self.save = save
        self.conformance = Conformance()
        self.outcomes: Counter[str] = Counter()
        self.sources: Counter[str] = Counter()
        self.failures: list[str] = []
        self.facts = 0

    def __call__(self, source: str, data: bytes) -> None:
        self.sources[source.split("/")[0]] += 1
        path = self.folder / "fuzz.txt"
        path.write_bytes(data)
        try:
            graph = ingest_file(path)
        except PhoihopError as err:
            kind = re.sub(r" \d+$", " N", err.message.split(":")[0].split(" (")[0])  # offsets vary
            self.outcomes[f"refused (exit {err.exit_code}): {kind}"] += 1
            return
        except Exception as err:  # noqa: BLE001 - exactly what this fuzzer looks for
            self._fail(f"crash {type(err).__name__}: {err}", source, data)
            return
        problems = self.conformance.problems(graph)
        if problems:
            self._fail(f"does not conform: {problems[0]}", source, data)
            return
        self.facts += len(graph)
        self.outcomes["accepted, conforms"] += 1

    def _fail(self, what: str, source: str, data: bytes) -> None:
        self.outcomes[what.split(":")[0]] += 1
        where = ""
        if self.save is not None:
            self.save.mkdir(parents=True, exist_ok=True)
            target = self.save / f"{hashlib.sha256(data).hexdigest()[:16]}.txt"
            target.write_bytes(data)
            where = f" -> {target}"
        self.failures.append(f"{source}: {what[:300]}{where}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (default 60)")
    parser.add_argument("--seed", type=int, default=0, help="first Hypothesis seed (rounds count up from it)")
    parser.add_argument("--save", type=Path, help="folder to write failing inputs to")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    if not TEXTS:
        print(f"no fixture texts in {ROOT / 'tests' / 'fixtures' / 'ingest'}", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="phoihop-fuzz-") as folder:
        fuzzer = Fuzzer(Path(folder), args.save)
        deadline = time.monotonic() + args.seconds
        start, rounds = time.perf_counter(), 0

        while time.monotonic() < deadline:
            @settings(max_examples=50, deadline=None, database=None, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @seed(args.seed + rounds)
            @given(INPUTS)
            def one_round(item: tuple[str, bytes]) -> None:
                if time.monotonic() < deadline:
                    fuzzer(*item)

            one_round()
            rounds += 1
        elapsed = time.perf_counter() - start

    total = sum(fuzzer.sources.values())
    print(f"fuzzed ingest for {elapsed:.1f} s: {total} inputs ({total / elapsed:.1f}/s; "
          + ", ".join(f"{n} {k}" for k, n in fuzzer.sources.most_common()) + ")")
    for outcome, count in sorted(fuzzer.outcomes.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{count:8d}  {outcome}")
    print(f"{fuzzer.facts} triples in the accepted graphs, every one checked against the shapes and checks")
    for line in fuzzer.failures[:20]:
        print(f"FAIL {line}")
    if fuzzer.failures:
        print(f"{len(fuzzer.failures)} failures (crashes or non-conforming graphs)")
        return 1
    print("no crash, no non-conforming graph")
    return 0


if __name__ == "__main__":
    sys.exit(main())
