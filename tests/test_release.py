"""A build publishes one release: what it writes reads back as what it validated, whole or not at all.

Regression tests of issue 14, items 1 (published files failed `phoihop validate`), 3 (a crash between two
renames mixed builds; killed builds left temp files) and 4 (-o inside --data), and 20 (the built graph is
found from any folder).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from phoihop import release
from phoihop.build import build
from phoihop.cli import cli
from phoihop.errors import InputError, UsageError
from phoihop.infer import infer
from phoihop.store import load_files
from phoihop.validate import check, validate_files

ROOT = Path(__file__).resolve().parents[1]
WORLD = ROOT / "tests" / "bad_inputs" / "world.ttl"


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    """The curated graph of data/ built once, with the store it was built from."""
    out = tmp_path_factory.mktemp("dist")
    result = build(None, out)
    store = load_files([ROOT / "data"], sources=True)
    infer(store)
    return out, result, store


def _keys(verdict) -> set[tuple]:
    """What two validations must agree on (property shapes are blank nodes, named anew by each load)."""
    return {(r.focus, r.path, r.shape if "://" in r.shape else None, r.component, r.value, r.severity)
            for r in verdict.results}


def _canonical(quads) -> set[ox.Quad]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def test_published_files_are_the_graph_that_was_validated(curated) -> None:
    """TriG holds the store's quads, Turtle its union: compared after canonicalising blank nodes."""
    out, _, store = curated
    trig = ox.parse(path=str(out / "phoihop.trig"))
    assert _canonical(trig) == _canonical(store)
    union = {ox.Quad(q.subject, q.predicate, q.object) for q in store}
    assert _canonical(ox.parse(path=str(out / "phoihop.ttl"))) == _canonical(union)


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
@pytest.mark.parametrize("name", ["phoihop.ttl", "phoihop.trig"])
def test_each_published_file_validates_as_the_build_did(curated, name, engine) -> None:
    """Item 1: both files gave 77 violations (the gazetteer's intervals were added a second time)."""
    out, result, store = curated
    verdict = validate_files([out / name], engine=engine)
    assert verdict.conforms == result.verdict.conforms is True
    assert _keys(verdict) == _keys(check(store, engine)) == _keys(result.verdict)
    assert [c.name for c in verdict.checks] == [c.name for c in result.verdict.checks]


def test_validate_runs_the_check_queries_like_build(tmp_path) -> None:
    """Item 2: a succession cycle failed the build (exit 1) but passed `phoihop validate` (exit 0)."""
    files = [WORLD, ROOT / "tests" / "bad_inputs" / "succession-cycle.ttl"]
    runner = CliRunner()
    validated = runner.invoke(cli, ["validate", *map(str, files)])
    built = runner.invoke(cli, ["build", *(a for f in files for a in ("--data", str(f))), "-o", str(tmp_path)])
    assert validated.exit_code == built.exit_code == 1
    assert "check succession-cycle-violation" in validated.output


def _build(out: Path, *extra: str, env: dict | None = None, code: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code, "build", "-o", str(out), *extra] if code else \
        [sys.executable, "-m", "phoihop.cli", "build", "-o", str(out), *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})},
                          check=False)


KILL_AFTER_RENAME = """
import os, signal, sys
count, limit = [0], int(os.environ["KILL_AFTER"])
def killing(real):
    def call(*args, **kwargs):
        real(*args, **kwargs)
        count[0] += 1
        if count[0] == limit:
            os.kill(os.getpid(), signal.SIGKILL)
    return call
os.replace, os.rename = killing(os.replace), killing(os.rename)
sys.argv = ["phoihop", *sys.argv[1:]]
from phoihop.cli import main
main()
"""


def _one_build(out: Path) -> bool:
    """Whether dist/'s files all belong to the release `current` names, as its manifest says."""
    folder = (out / "current").resolve()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return all(release.sha256(out / name) == manifest["files"][name]["sha256"] for name in ("phoihop.ttl",
                                                                                           "phoihop.trig"))


def test_a_build_killed_after_any_rename_leaves_one_whole_release(tmp_path) -> None:
    """Item 3: kill -9 between the two renames left phoihop.ttl and phoihop.trig from different builds."""
    out = tmp_path / "dist"
    assert _build(out, "--no-validate", "--data", str(WORLD)).returncode == 0
    old = release.sha256(out / "phoihop.ttl")
    kills = 0
    for after in range(1, 20):
        proc = _build(out, env={"KILL_AFTER": str(after)}, code=KILL_AFTER_RENAME)
        if proc.returncode == 0:  # the build made fewer renames than this: every point was tried
            break
        assert proc.returncode == -9, proc.stderr
        kills += 1
        assert _one_build(out), f"outputs of two builds after a kill at rename {after}"
    assert kills >= 2 and release.sha256(out / "phoihop.ttl") != old
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")], "a later build removes what kills left"


def test_stale_staging_old_temp_files_and_old_releases_are_removed(tmp_path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    stale = out / f".staging-20200101T000000Z-abcdef-{dead.stdout.strip()}"
    (stale / "phoihop.ttl").parent.mkdir()
    (stale / "phoihop.ttl").write_text("half", encoding="utf-8")
    old_temp = out / ".phoihop.ttl.x1y2z3.tmp"  # what builds before releases left on a kill
    old_temp.write_text("half", encoding="utf-8")
    for _ in range(release.KEEP + 2):
        build([WORLD], out, validate=False)
        time.sleep(1.1)  # release ids carry the second
    assert not stale.exists() and not old_temp.exists()
    assert len(list((out / "releases").iterdir())) == release.KEEP
    assert (out / "current").resolve().parent == (out / "releases").resolve()


def test_a_damaged_release_is_refused_with_a_reason(tmp_path) -> None:
    out = tmp_path / "dist"
    build([WORLD], out, validate=False)
    target = (out / "phoihop.trig").resolve()
    target.write_bytes(target.read_bytes()[:-10])
    with pytest.raises(InputError, match="damaged"):
        release.release_files(out)


@pytest.mark.parametrize("where", ["inside", "holding"])
def test_a_build_never_reads_what_it_publishes(tmp_path, where) -> None:
    """Item 4: `build -o` into the --data folder made the next build read its own outputs."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "world.ttl").write_bytes(WORLD.read_bytes())
    out = data / "dist" if where == "inside" else tmp_path
    with pytest.raises(UsageError, match="own outputs|must not read"):
        build([data], out)


def test_every_command_finds_the_built_graph_from_another_folder(tmp_path, monkeypatch) -> None:
    """Item 20: query found the project's dist/ from another folder, validate and export did not."""
    project = tmp_path / "project"
    build([WORLD], project / "dist", validate=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setattr(release, "project_root", lambda: project)
    runner = CliRunner()
    for args in (["query", "sources-overview", "--format", "csv"], ["validate"],
                 ["export", "--graph", "coordination", "--format", "csv", "--out", str(elsewhere / "net")]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (args, result.output)
    assert "world_001" in runner.invoke(cli, ["query", "sources-overview", "--format", "csv"]).output
