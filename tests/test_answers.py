"""Answers kept per release (phoihop.answers): `phoihop query` on the built release gives a kept answer again
without running the query, byte for byte what the run wrote; a new release, graph files, a refused answer
and --no-cache are never answered from what was kept."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from phoihop import release
from phoihop.build import build
from phoihop.cli import cli
from phoihop.query import OxigraphBackend

WORLD = Path(__file__).resolve().parent / "bad_inputs" / "world.ttl"
QUERY = ["busiest-coordinators"]  # two rows on the tiny world, labels in the asked language


@pytest.fixture(autouse=True)
def _logging_restored():
    """`phoihop -q` sets the root logger to ERROR for the process: later tests reading warnings need it back."""
    root = logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    yield
    root.setLevel(level)
    root.handlers[:] = handlers


@pytest.fixture
def dist(tmp_path, monkeypatch) -> Path:
    out = tmp_path / "dist"
    build([WORLD], out, validate=False)
    monkeypatch.setattr(release, "find_dist", lambda: out)
    monkeypatch.setenv("PHOIHOP_CACHE_DIR", str(tmp_path / "cache"))
    return out


@pytest.fixture
def runs(monkeypatch) -> list[str]:
    """The texts of the queries the embedded store actually ran."""
    ran: list[str] = []
    stream = OxigraphBackend.stream
    monkeypatch.setattr(OxigraphBackend, "stream", lambda self, text, source: ran.append(text) or
                        stream(self, text, source))
    return ran


def query(*args: str):
    return CliRunner().invoke(cli, ["-q", "query", *args])


@pytest.mark.parametrize("args", [[*QUERY, "-f", "csv"], [*QUERY, "-f", "json"], [*QUERY, "-f", "table"],
                                  ["sources-overview", "-f", "tsv"]])
def test_a_kept_answer_is_the_answer_and_the_query_is_not_run_again(dist, runs, args) -> None:
    first, again = query(*args), query(*args)
    assert first.exit_code == again.exit_code == 0, first.output
    assert first.stdout_bytes == again.stdout_bytes and first.stdout_bytes.strip()
    assert len(runs) == 1


@pytest.mark.parametrize("other", [["-f", "tsv"], ["--lang", "en"], ["--max-rows", "50"]])
def test_another_format_language_or_limit_is_another_answer(dist, runs, other) -> None:
    assert query(*QUERY, "-f", "csv").exit_code == query(*QUERY, "-f", "csv", *other).exit_code == 0
    assert len(runs) == 2


def test_a_new_release_is_asked_again(dist, runs) -> None:
    before = query(*QUERY, "-f", "csv")
    build([WORLD], dist, validate=False)  # same data, a new release: its answers start empty
    after = query(*QUERY, "-f", "csv")
    assert before.stdout_bytes == after.stdout_bytes and len(runs) == 2


@pytest.mark.parametrize("args", [["-g", str(WORLD)], ["--no-cache"], ["--engine", "rdflib"]])
def test_graph_files_other_engines_and_no_cache_always_run(dist, runs, args) -> None:
    first, again = query(*QUERY, "-f", "csv", *args), query(*QUERY, "-f", "csv", *args)
    assert first.exit_code == again.exit_code == 0 and first.stdout_bytes == again.stdout_bytes
    assert len(runs) == (0 if "rdflib" in args else 2)
    assert not any((dist.parent / "cache").rglob("*.txt"))


def test_a_refused_answer_is_not_kept(dist, runs) -> None:
    refused = query(*QUERY, "-f", "csv", "--max-rows", "1", "-o", str(dist.parent / "out.csv"))
    assert refused.exit_code == 2 and "too large" in refused.output
    assert not any((dist.parent / "cache").rglob("*.txt"))


def test_an_unwritable_cache_only_costs_time(dist, runs, monkeypatch) -> None:
    blocker = dist.parent / "not-a-folder"
    blocker.write_text("a file where the cache folder would be\n", encoding="utf-8")
    monkeypatch.setenv("PHOIHOP_CACHE_DIR", str(blocker / "answers"))
    first, again = query(*QUERY, "-f", "csv"), query(*QUERY, "-f", "csv")
    assert first.exit_code == again.exit_code == 0 and first.stdout_bytes == again.stdout_bytes
    assert len(runs) == 2


def test_a_damaged_kept_answer_is_asked_again(dist, runs) -> None:
    first = query(*QUERY, "-f", "csv")
    for kept in (dist.parent / "cache").rglob("*.txt"):
        kept.write_text("not an answer\n", encoding="utf-8")
    again = query(*QUERY, "-f", "csv")
    assert first.stdout_bytes == again.stdout_bytes and len(runs) == 2
    assert query(*QUERY, "-f", "csv").stdout_bytes == first.stdout_bytes and len(runs) == 2  # kept anew


# --- phoihop export: the network queries' rows kept per release -------------------------------------------

@pytest.fixture
def loads(monkeypatch) -> list[list]:
    """The graph files `phoihop export` loaded into memory."""
    from phoihop import network

    loaded: list[list] = []
    load_files = network.load_files
    monkeypatch.setattr(network, "load_files", lambda files: loaded.append(list(files)) or load_files(files))
    return loaded


def export(out: Path, *args: str):
    return CliRunner().invoke(cli, ["-q", "export", "--graph", "coordination", "--graph", "citation",
                                    "--format", "graphml", "--format", "csv", "--out", str(out), *args])


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_second_export_of_the_release_reads_no_graph_and_writes_the_same_files(dist, loads) -> None:
    first, again = export(dist.parent / "a"), export(dist.parent / "b")
    assert first.exit_code == again.exit_code == 0, first.output
    assert _files(dist.parent / "a") == _files(dist.parent / "b") and len(loads) == 1
    assert export(dist.parent / "c", "--input", str(dist / "phoihop.trig")).exit_code == 0  # files: read
    assert _files(dist.parent / "a") == _files(dist.parent / "c") and len(loads) == 2


def test_kept_rows_serve_other_filters_and_a_new_release_is_read_again(dist, loads) -> None:
    assert export(dist.parent / "a").exit_code == 0
    assert export(dist.parent / "b", "--level", "province", "--lang", "en").exit_code == 0
    assert len(loads) == 1
    build([WORLD], dist, validate=False)
    assert export(dist.parent / "c").exit_code == 0 and len(loads) == 2
    assert _files(dist.parent / "a") == _files(dist.parent / "c")
