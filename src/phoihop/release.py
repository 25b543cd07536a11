"""Where the built graph lives, and how a build publishes it: one folder per release, switched in whole.

    dist/
      releases/<id>/phoihop.ttl, phoihop.trig, manifest.json   one folder per conforming build (last KEEP kept)
      releases/<id>/store/                                      the same quads as an indexed on-disk store
      current -> releases/<id>                                  switched by one atomic rename
      phoihop.ttl -> current/phoihop.ttl                        a stable name for every entry of the release
      phoihop.trig -> current/phoihop.trig
      store -> current/store
      manifest.json -> current/manifest.json                    files with sizes and SHA-256, the verdict
      validation-report.txt                                     the last build's verdict, failed builds too
      .staging-<id>-<pid>/                                      a build being written (removed once its
                                                                process is gone)

A build writes everything into its staging folder, and publishing is: fsync, rename the folder into
releases/, point `current` at it with one rename. A reader that resolves `current` once (`release_files`)
sees the files of one build, whatever happens meanwhile; a build killed at any moment leaves the previous
release whole, and its staging folder is removed by the next build. Files or folders that later stages
add to a release (a VoID description, a persistent store) get their stable name in dist/ the same way.
Every command that reads "the built graph" asks `built_graph_files()`: ./dist when it holds a build, else
the project's dist/, so the graph is found from any directory.

The store (`store/`, an Oxigraph RocksDB folder written by the build) is what readers open when they are
given no files: `open_store()` opens it read-only in milliseconds, where parsing phoihop.trig into memory
takes seconds at national scale. Its files are in the manifest as `store/<name>` (sizes checked at every
open); a release without one (`phoihop build --no-store`, older builds) is read from its graph files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .atomic import output_errors, process_alive
from .errors import InputError, UsageError
from .resources import project_root
from .store import load_files, open_read_only

log = logging.getLogger("phoihop.release")

DIST = Path("dist")
RELEASES = "releases"
CURRENT = "current"
MANIFEST = "manifest.json"
STAGING_PREFIX = ".staging-"
GRAPH_FILES = ("phoihop.trig", "phoihop.ttl")  # what readers load, preferred first (TriG keeps the graphs)
STORE = "store"  # the release's indexed on-disk store (a folder)
KEEP = 3
_LEGACY_TEMPS = (".phoihop.ttl.", ".phoihop.trig.")  # temp names of builds before releases existed


def holds_build(folder: Path) -> bool:
    """Whether a folder holds a published build (a release, or the plain files older builds wrote)."""
    return (folder / CURRENT).is_dir() or any((folder / name).is_file() for name in GRAPH_FILES)


def find_dist() -> Path:
    """The dist/ folder of the built graph: ./dist when it holds a build, else the project's, else ./dist."""
    for folder in (DIST, project_root() / DIST):
        if holds_build(folder):
            return folder
    return DIST


def release_files(dist: Path, verify: bool = False) -> list[Path]:
    """The graph files of dist's current release (resolved once, so all come from one build), checked
    against its manifest: sizes always, SHA-256 with `verify`."""
    return release_graph(dist, verify).files


def built_graph_files(verify: bool = False) -> list[Path]:
    """The built graph every command reads by default (see `find_dist`)."""
    return release_files(find_dist(), verify)


def load_graph(paths: Sequence[str | Path] | str | Path | None = None) -> ox.Store:
    """The given RDF files (or folders), or else the built graph, in one in-memory pyoxigraph store."""
    if isinstance(paths, str | Path):
        paths = [paths]
    return load_files(paths or built_graph_files())


@dataclass(frozen=True)
class Built:
    """The built graph as one release holds it: its graph files (TriG first) and, when the build wrote
    one, the on-disk store of their union (None otherwise)."""

    files: list[Path]
    store: Path | None = None

    def open(self) -> tuple[ox.Store, bool]:
        """The store to query and whether it holds the named graphs: the union store opened read-only
        (milliseconds), else the graph files loaded into memory (seconds at national scale)."""
        if self.store is not None:
            return open_read_only(self.store), False
        return load_files(self.files), True


def release_graph(dist: Path, verify: bool = False) -> Built:
    """dist's current release, resolved once so that files and store come from one build, its files
    checked against the manifest: sizes always, SHA-256 with `verify` (the store's files by size only)."""
    current = dist / CURRENT
    if current.is_dir():
        folder = current.resolve()
        entries = read_manifest(folder).get("files", {})
        for name, entry in entries.items():
            _check_file(folder / name, entry, verify and not name.startswith(f"{STORE}/"))
        store = folder / STORE if any(name.startswith(f"{STORE}/") for name in entries) else None
        for name in GRAPH_FILES:
            if (folder / name).is_file():
                return Built([folder / name], store)
    for name in GRAPH_FILES:  # a dist/ written before releases existed
        if (dist / name).is_file() and not (dist / name).is_symlink():
            return Built([dist / name])
    raise InputError("no built graph: run `phoihop build` first, or name the graph files", path=dist / GRAPH_FILES[0])


def built_graph(verify: bool = False) -> Built:
    """The built graph every command reads by default (see `find_dist`), with its store."""
    return release_graph(find_dist(), verify)


def read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("the release has no manifest: rebuild it", path=folder / MANIFEST) from None
    except (OSError, ValueError) as err:
        raise InputError(f"the release manifest cannot be read ({err}): rebuild it", path=folder / MANIFEST) from None


def _check_file(path: Path, entry: dict, verify: bool) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        raise InputError("a file of the release is missing: rebuild it", path=path) from None
    if size != entry.get("bytes"):
        raise InputError(f"the file is damaged ({size} bytes, the manifest says {entry.get('bytes')}): rebuild it",
                         path=path)
    if verify and sha256(path) != entry.get("sha256"):
        raise InputError("the file is damaged (its SHA-256 differs from the manifest): rebuild it", path=path)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_apart(out_dir: Path, inputs: list[Path]) -> None:
    """Refuse an output folder that holds an input, or lies inside an input folder: the next build would
    read its own outputs."""
    out = out_dir.resolve()
    for item in inputs:
        path = Path(item).resolve()
        if out == path or out.is_relative_to(path):
            raise UsageError(f"the output folder {out_dir} is inside the data folder {item}: the next build "
                             "would read its own outputs; choose another -o")
        if path.is_relative_to(out):
            raise UsageError(f"the input {item} is inside the output folder {out_dir}: a build must not read "
                             "what it publishes; choose another -o")


@dataclass
class Staging:
    """A release being written: files go into `folder`, then `publish` makes it the current release."""

    dist: Path
    folder: Path
    id: str
    sums: dict[str, dict] = field(default_factory=dict)  # file name -> {"bytes", "sha256"}, once sealed

    def path(self, name: str) -> Path:
        return self.folder / name

    def seal(self) -> None:
        """Checksum the files written so far, those inside a folder (the store) as `folder/name` (a build
        does it on its writer thread, beside validation)."""
        for path in sorted(self.folder.rglob("*")):
            name = path.relative_to(self.folder).as_posix()
            if path.is_file() and name not in self.sums:
                self.sums[name] = {"bytes": path.stat().st_size, "sha256": sha256(path)}

    def publish(self, summary: dict) -> list[Path]:
        """Checksum and fsync every file, move the folder into releases/ and switch `current` to it with
        one rename; give every entry its stable name in dist/; prune old releases. Returns the stable
        paths of the published files."""
        self.seal()
        manifest = {"release": self.id, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "generator": f"phoihop {__version__}", "files": self.sums, **summary}
        (self.folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                            encoding="utf-8")
        for path in self.folder.rglob("*"):
            if path.is_file():
                _fsync(path)
        releases = self.dist / RELEASES
        releases.mkdir(exist_ok=True)
        final = releases / self.id
        os.rename(self.folder, final)
        _fsync(releases)
        _switch(self.dist / CURRENT, Path(RELEASES) / self.id)
        published = [self._link(entry.name) for entry in sorted(final.iterdir())]
        _fsync(self.dist)
        prune(self.dist)
        return published

    def _link(self, name: str) -> Path:
        """dist/<name> -> current/<name>: replaces an old link or a plain file of an older layout; a folder
        of the user's by that name is left alone."""
        stable = self.dist / name
        if stable.is_dir() and not stable.is_symlink():
            log.warning("%s is a folder, not a link into the release: left as it is", stable)
            return Path(CURRENT) / name
        _switch(stable, Path(CURRENT) / name)
        return stable

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _switch(link: Path, target: Path) -> None:
    """Point `link` at `target` (relative) with one rename, so readers see the old or the new target."""
    temp = link.with_name(f".{link.name}.{os.getpid()}.{secrets.token_hex(4)}.link")
    os.symlink(target, temp)
    try:
        os.replace(temp, link)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def staging(dist: Path) -> Iterator[Staging]:
    """A fresh staging folder in dist/ (stale ones of dead builds removed first); discarded unless the
    body publishes it."""
    prune(dist)
    release = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(3)
    folder = dist / f"{STAGING_PREFIX}{release}-{os.getpid()}"
    with output_errors(dist):
        folder.mkdir(parents=True)
    stage = Staging(dist, folder, release)
    try:
        yield stage
    finally:
        stage.discard()  # nothing left once published (the folder has moved), everything when not


def prune(dist: Path, keep: int = KEEP) -> None:
    """Remove what dead builds left (staging folders, temp files and links of older versions) and all but
    the last `keep` releases; the current release is never removed."""
    if not dist.is_dir():
        return
    for entry in dist.iterdir():
        name = entry.name
        if name.startswith(STAGING_PREFIX):
            pid = name.rsplit("-", 1)[-1]
            if pid.isdigit() and not process_alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)
        elif (name.startswith(_LEGACY_TEMPS) and name.endswith(".tmp")) or name.endswith(".link"):
            pid = name.split(".")[-3] if name.endswith(".link") else ""
            if not (pid.isdigit() and process_alive(int(pid))):
                with contextlib.suppress(OSError):
                    entry.unlink()
    releases = dist / RELEASES
    if not releases.is_dir():
        return
    current = (dist / CURRENT).resolve() if (dist / CURRENT).exists() else None
    old = sorted((p for p in releases.iterdir() if p.is_dir()), key=lambda p: p.name)[:-keep or None]
    for folder in old:
        if folder.resolve() != current:
            shutil.rmtree(folder, ignore_errors=True)
