"""`phoihop build`: a conforming graph is written whole; a bad one writes nothing and says why."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from phoihop import build as build_module
from phoihop.build import build
from phoihop.cli import cli
from phoihop.errors import DataInvalid, UsageError
from phoihop.namespaces import GRAPH_COMMON, GRAPH_INFERRED, GRAPH_ONTOLOGY, graph_for_source
from phoihop.resources import data_dir
from phoihop.turtle import write_lines

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "tests" / "fixtures" / "shapes" / "_base.ttl"
NO_LEAD = ROOT / "tests" / "fixtures" / "shapes" / "CommitmentShape" / "invalid.ttl"


def _graph_names(trig: Path) -> set[str]:
    return {q.graph_name.value for q in ox.parse(path=str(trig)) if isinstance(q.graph_name, ox.NamedNode)}


@pytest.fixture(scope="module")
def curated(tmp_path_factory) -> tuple[Path, object]:
    """The curated graph of data/, built once for the tests below."""
    out = tmp_path_factory.mktemp("dist")
    return out, build(None, out)


def test_curated_graph_conforms_and_has_one_graph_per_source(curated) -> None:
    out, result = curated
    assert result.report is not None and result.report.conforms
    assert {p.name for p in out.iterdir()} >= {"phoihop.ttl", "phoihop.trig"}
    names = _graph_names(out / "phoihop.trig")
    sources = [p.stem for p in data_dir().glob("[0-9]*.ttl")]
    assert sources, "data/ holds no per-document files"
    for stem in sources:
        assert str(graph_for_source(stem)) in names
    assert {str(GRAPH_COMMON), str(GRAPH_ONTOLOGY), str(GRAPH_INFERRED)} <= names
    assert result.counts.get("Commitment", 0) > 0 and result.counts.get("Actor", 0) > 0


def test_rebuild_gives_the_same_iris(curated, tmp_path) -> None:
    out, _ = curated
    build(None, tmp_path, validate=False)

    def iris(path: Path) -> set[str]:
        return {t.subject.value for t in ox.parse(path=str(path)) if isinstance(t.subject, ox.NamedNode)}

    assert iris(out / "phoihop.ttl") == iris(tmp_path / "phoihop.ttl")


@pytest.mark.parametrize("persist", [True, False], ids=["with-store", "no-store"])
def test_a_big_graph_streams_its_turtle_equal_as_a_graph(curated, tmp_path, monkeypatch, persist) -> None:
    """Beyond READABLE_MAX quads phoihop.ttl is streamed from the union store (a scratch one without the
    store, removed): the same graph as the readable file, and nothing else left in the release."""
    out, result = curated
    monkeypatch.setattr(build_module, "READABLE_MAX", 0)
    streamed = build(None, tmp_path, validate=False, persist=persist)
    assert streamed.triples == result.triples
    assert (tmp_path / "phoihop.ttl").read_bytes() != (out / "phoihop.ttl").read_bytes()  # oxigraph wrote it
    lines = ox.serialize(ox.parse(path=str(tmp_path / "phoihop.ttl")), format=ox.RdfFormat.N_TRIPLES)
    canonical = io.StringIO()  # the readable writer labels blank nodes by content: equal graphs, equal bytes
    write_lines(lines.decode("utf-8").split("\n"), canonical)
    assert canonical.getvalue() == (out / "phoihop.ttl").read_text(encoding="utf-8")
    expected = {"manifest.json", "phoihop.trig", "phoihop.ttl", "void.ttl"} | ({"store"} if persist else set())
    assert {p.name for p in (tmp_path / "current").resolve().iterdir()} == expected


def test_violation_writes_nothing_but_the_report(tmp_path) -> None:
    (tmp_path / "phoihop.ttl").write_text("previous", encoding="utf-8")
    with pytest.raises(DataInvalid) as info:
        build([BASE, NO_LEAD], tmp_path)
    assert "validation-report.txt" in str(info.value)
    assert (tmp_path / "phoihop.ttl").read_text(encoding="utf-8") == "previous"
    assert not (tmp_path / "phoihop.trig").exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # staged outputs thrown away
    report = (tmp_path / "validation-report.txt").read_text(encoding="utf-8")
    assert "ph:leadActor" in report


def test_cli_exit_1_on_violations(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["build", "--data", str(BASE), "--data", str(NO_LEAD), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "does not conform" in result.output and "Traceback" not in result.output


def test_failure_while_writing_keeps_previous_outputs(tmp_path, monkeypatch) -> None:
    for name in ("phoihop.ttl", "phoihop.trig"):
        (tmp_path / name).write_text("previous", encoding="utf-8")

    def broken_dump(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(build_module.ox.Store, "dump", broken_dump)
    with pytest.raises(UsageError, match="cannot write here: disk full"):  # exit 2, not an internal error
        build([BASE], tmp_path, validate=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phoihop.trig", "phoihop.ttl"]
    assert all(p.read_text(encoding="utf-8") == "previous" for p in tmp_path.iterdir())


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_killed_build_leaves_previous_outputs_and_no_temp_files(tmp_path, sig) -> None:
    """Interrupt a real `phoihop build` process at several moments; dist/ is always old or new, never half."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for delay in (0.0, 0.3, 1.0):
        for name in ("phoihop.ttl", "phoihop.trig"):
            (tmp_path / name).write_text("previous", encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "phoihop.cli", "build", "-o", str(tmp_path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        first = proc.stderr.readline()  # the first progress line: the command is running, not importing
        assert first.startswith(b"loaded"), first
        time.sleep(delay)
        proc.send_signal(sig)
        _, rest = proc.communicate(timeout=120)
        err = first + rest
        assert b"Traceback" not in err
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
        assert leftovers == [], leftovers
        contents = {p.name: p.read_bytes()[:8] for p in tmp_path.glob("phoihop.*")}
        old = all(c == b"previous" for c in contents.values())
        new = all(c != b"previous" for c in contents.values())
        assert old or new, f"outputs were mixed after a kill at {delay}s"


@pytest.mark.parametrize("files", [None, [BASE, NO_LEAD]], ids=["curated", "no-lead"])
def test_both_shacl_engines_report_the_same(files) -> None:
    """The build's default SPARQL engine and pySHACL agree, result by result, on real and broken data."""
    from phoihop.infer import infer
    from phoihop.store import load_files
    from phoihop.validate import validate_store

    store = load_files(files or [data_dir()], sources=True)
    infer(store)
    fast, reference = validate_store(store, engine="sparql"), validate_store(store, engine="pyshacl")
    assert fast.conforms == reference.conforms == (files is None)

    def keys(report) -> set[tuple]:  # property shapes are blank nodes, named differently by each load
        return {(r.focus, r.path, r.shape if "://" in r.shape else None, r.component, r.value, r.severity)
                for r in report.results}

    assert keys(fast) == keys(reference)
