"""The bad-input corpus: every case of tests/bad_inputs/cases.csv gives its message and exit code, never a traceback.

Each row names a command line (placeholders below), how to run it (`cli`: click's CliRunner, `process`: a real
`python -m phoihop.cli` whose stderr must hold no traceback), an optional file for standard input, the exit
code (0 ok, 1 invalid data, 2 usage or unreadable input, 3 an external store failed) and a regular
expression. A failing command must end with one line `phoihop: ...` (or click's `Error: ...`) that matches;
a succeeding one must print output that matches. tests/bad_inputs/README.md says what each file is.
"""

from __future__ import annotations

import csv
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from test_serve import free_port, running

from phoihop import normalize
from phoihop.cli import cli
from phoihop.ingest import ingest_file, ingest_text
from phoihop.namespaces import DCT, ID, PH

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "bad_inputs"
DATASET = HERE / "fixtures" / "graph" / "dataset"
CASES = list(csv.DictReader((CORPUS / "cases.csv").open(encoding="utf-8")))
HUGE_BYTES = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def endpoint() -> str:
    """`phoihop serve` over the query fixture with small limits (1 s, 5 rows), started only when a case needs it."""
    port = free_port()
    command = [sys.executable, "-m", "phoihop.cli", "serve", "--port", str(port), "--graph", str(DATASET),
               "--timeout", "1", "--max-rows", "5", "--workers", "2"]
    with running(command, f"http://127.0.0.1:{port}/queries"):
        yield f"http://127.0.0.1:{port}/sparql"


def _huge_text(folder: Path) -> Path:
    """A 50 MB Vietnamese text, written at test time (never committed): the size cap must refuse it."""
    path = folder / "huge.txt"
    block = ("Liên đoàn Lao động tỉnh phối hợp với Sở Y tế. " * 20 + "\n").encode("utf-8") * 1000
    with path.open("wb") as handle:
        for _ in range(HUGE_BYTES // len(block) + 1):
            handle.write(block)
        handle.truncate(HUGE_BYTES)
    return path


def _copy(source: Path, folder: Path) -> Path:
    """A copy the case may overwrite (if the check regressed), never the corpus file itself."""
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


def _link(link: Path, target: Path) -> Path:
    """A symbolic link in the test's folder: a regressed writer replaces the link, never /dev/full."""
    link.symlink_to(target)
    return link


class Places(dict):
    """Values for the placeholders of a command line, each made only when a case uses it."""

    def __init__(self, makers: dict[str, Callable[[], object]]):
        super().__init__()
        self.makers = makers

    def __missing__(self, key: str) -> str:
        self[key] = str(self.makers[key]())
        return self[key]


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_bad_input_gives_its_message_and_exit_code(case: dict[str, str], tmp_path: Path, request) -> None:
    places = Places({
        "dir": lambda: CORPUS,
        "dataset": lambda: DATASET,
        "tmp": lambda: tmp_path,
        "huge": lambda: _huge_text(tmp_path),
        "port": free_port,
        "closed": lambda: f"http://127.0.0.1:{free_port()}/store",  # nothing listens there
        "endpoint": lambda: request.getfixturevalue("endpoint"),
        "textcopy": lambda: _copy(CORPUS / "nfd.txt", tmp_path),
        "graphcopy": lambda: _copy(DATASET / "ha-noi.ttl", tmp_path),
        "full": lambda: _link(tmp_path / "full", Path("/dev/full")),
        "loop": lambda: _link(tmp_path / "loop.ttl", tmp_path / "loop.ttl"),
    })
    args = [word.format_map(places) for word in shlex.split(case["command"])]
    stdin = Path(case["stdin"].format_map(places)).read_bytes() if case["stdin"] else None
    if case["via"] == "process":
        proc = subprocess.run([sys.executable, "-m", "phoihop.cli", *args], input=stdin, capture_output=True,
                              timeout=120, check=False)
        code, out, err = proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    else:
        result = CliRunner().invoke(cli, args, input=stdin)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        code, out, err = result.exit_code, result.stdout, result.stderr
    assert "Traceback" not in out + err
    assert code == int(case["exit"]), f"exit {code}\n{err}"
    if code in (2, 3):  # one line saying what is wrong and where
        last = _last_line(err)
        assert last.startswith(("phoihop: ", "Error: ")), err
        assert re.search(case["expect"], last), last
    else:
        assert re.search(case["expect"], out if code == 0 else out + err), (out + err)[-3000:]


def test_every_command_has_a_bad_input_case() -> None:
    covered = {shlex.split(c["command"])[0] for c in CASES}
    missing = set(cli.commands) - covered
    assert not missing, f"add a case to tests/bad_inputs/cases.csv for: {', '.join(sorted(missing))}"


# --------------------------------------------------------------------------------------- regression tests


ENCODINGS = ["utf16-bom.txt", "utf16le-nobom.txt", "utf16be-nobom.txt", "cp1258.txt", "nfd.txt"]


def _without_file_identity(graph: Graph, source: URIRef) -> Graph:
    """The graph with its source document renamed and its file name and hash dropped."""
    same = ID["source/same"]
    out = Graph()
    for s, p, o in graph:
        if p in (DCT.identifier, PH.sha256):
            continue
        out.add((same if s == source else s, p, same if o == source else o))
    return out


@pytest.mark.parametrize("name", ENCODINGS)
def test_every_encoding_of_a_text_gives_the_same_graph(name: str) -> None:
    """Converted, not approximated: labels, offsets into the NFC text and facts equal those of plain UTF-8."""
    reference = ingest_file(CORPUS / "nfd.txt")
    graph = ingest_file(CORPUS / name)
    assert (ID[f"source/{Path(name).stem}"], DCT.identifier, Literal(name)) in graph
    assert isomorphic(_without_file_identity(graph, ID[f"source/{Path(name).stem}"]),
                      _without_file_identity(reference, ID["source/nfd"]))


def test_a_reader_that_goes_away_stops_the_command_quietly() -> None:
    """`phoihop query ... | head -0` used to end with 'internal error: BrokenPipeError' and exit 70."""
    proc = subprocess.Popen([sys.executable, "-m", "phoihop.cli", "-q", "query", "sources-overview", "-g",
                             str(DATASET), "--format", "csv"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the first byte
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(60) == 141, err
    assert err == ""


def test_a_conflict_report_names_the_node_and_both_values(tmp_path: Path) -> None:
    """Two files, two dates for one instrument: the build stops and the report keeps both, merging neither."""
    (tmp_path / "phoihop.ttl").write_text("previous", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--data", str(CORPUS / "world.ttl"), "--data",
                                      str(CORPUS / "conflict-date.ttl"), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert (tmp_path / "phoihop.ttl").read_text(encoding="utf-8") == "previous"
    report = (tmp_path / "validation-report.txt").read_text(encoding="utf-8")
    assert "check conflicting-instrument-dates-violation" in report
    assert re.search(r"12-ctr, first=2021-03-15, second=2021-04-02", report)


def test_a_reversed_period_is_dropped_not_turned_into_an_impossible_interval() -> None:
    """Found by benchmarks/fuzz_ingest.py: 'giai đoạn 2025 - 2020' gave an interval that ends before it begins."""
    text = unicodedata.normalize("NFC", (CORPUS / "nfd.txt").read_text(encoding="utf-8"))
    text = text.replace("hằng năm", "giai đoạn 2025 - 2020")
    assert "2025 - 2020" in text
    graph = ingest_text(text, "reversed.txt")
    reversed_interval = graph.query("""PREFIX time: <http://www.w3.org/2006/time#>
        ASK { ?i time:hasBeginning/time:inXSDDate ?b ; time:hasEnd/time:inXSDDate ?e . FILTER (?b > ?e) }""")
    assert not reversed_interval.askAnswer
    assert len(set(graph.subjects(RDF.type, PH.Commitment))) == 2


def test_a_fifo_nobody_writes_to_is_given_up(tmp_path, monkeypatch) -> None:
    """Issue 14, item 13: `phoihop ingest FIFO` without a writer hung for ever (open() blocks)."""
    monkeypatch.setattr(normalize, "FIFO_WAIT_SECONDS", 0.5)
    fifo = tmp_path / "silent.txt"
    os.mkfifo(fifo)
    result = CliRunner().invoke(cli, ["ingest", str(fifo)])
    assert result.exit_code == 2 and "nothing came through this FIFO in 0.5 s" in result.output


def test_a_fifo_with_a_writer_is_read(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(normalize, "FIFO_WAIT_SECONDS", 30)
    fifo = tmp_path / "piped.txt"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes((CORPUS / "nfd.txt").read_bytes()))
    writer.start()
    text, data = normalize.read_text_file(fifo)
    writer.join(30)
    assert data == (CORPUS / "nfd.txt").read_bytes() and "Bến Tre" in text
