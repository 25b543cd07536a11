"""Text to graph: `phoihop ingest` turns Vietnamese documents into phoihop graph data with provenance.

Each input becomes one ph:SourceDocument and every node found in it (actors, instruments, persons,
memberships, commitments, events) carries prov:wasDerivedFrom that document and ph:evidence spans whose
offsets count characters of the NFC text of the file. A base graph lends its IRIs: bodies and instruments
it already knows (same eli:id_local, same IRI or same full name) are reused instead of minted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import fields, replace
from pathlib import Path

from rdflib import Graph, Literal

from . import progress
from .atomic import atomic_write, check_not_input
from .errors import InputError, UsageError
from .extract import Metadata, extract
from .ingest_base import reconcile, settle
from .ingest_writer import BaseIndex, GraphWriter
from .iris import source_iri
from .namespaces import DCT, ID, PROV, bind_all
from .normalize import DEFAULT_MAX_BYTES, decode_bytes, normalize_aligned, read_text_file
from .store import expand_inputs, load_files, to_rdflib
from .webpage import HTML_FORMAT, is_html, main_text

log = logging.getLogger("phoihop.ingest")


def load_base(path: str | Path) -> Graph:
    """Read a base graph (Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD) as one merged graph.

    pyoxigraph parses it, so a broken file is reported as file:line:column like every other RDF input.
    """
    return to_rdflib(load_files([path]))



SIDECAR_SUFFIX = ".meta.json"
_META_KEYS = {f.name.replace("_", "-"): f.name for f in fields(Metadata)}


def read_sidecar(path: str | Path) -> Metadata:
    """`FILE.meta.json` next to a document: what the user knows that the text may not say.

    A JSON object with any of "place", "date" (YYYY-MM-DD), "title", "source-url", "publisher"; a missing
    sidecar is no metadata, a broken one a one-line error naming it.
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Metadata()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read the metadata sidecar: {err}", path=p) from None
    except json.JSONDecodeError as err:
        raise InputError(f"metadata sidecar is not JSON: {err.msg}", path=p, line=err.lineno,
                         column=err.colno) from None
    if not isinstance(data, dict):
        raise InputError("metadata sidecar must be one JSON object", path=p)
    return metadata(p, **{k.replace("_", "-"): v for k, v in data.items()})


def metadata(where: str | Path, **values: object) -> Metadata:
    """Metadata from option-like names (place, date, title, source-url, publisher); None values are unset."""
    unknown = sorted(k for k in values if k not in _META_KEYS)
    if unknown:
        raise InputError(f"unknown metadata {', '.join(unknown)} (known: {', '.join(sorted(_META_KEYS))})",
                         path=where)
    out: dict[str, object] = {}
    for key, value in values.items():
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise InputError(f"metadata {key} must be text", path=where)
        if key == "source-url" and not re.fullmatch(r"https?://\S+", value.strip()):
            raise InputError(f"metadata source-url {value!r} is not an http(s) URL", path=where)
        if key == "date":
            try:
                out["date"] = dt.date.fromisoformat(value.strip()[:10])
            except ValueError:
                raise InputError(f"metadata date {value!r} is not YYYY-MM-DD", path=where) from None
        else:
            out[_META_KEYS[key]] = " ".join(value.split())
    return Metadata(**out)  # type: ignore[arg-type]


def merge_metadata(first: Metadata, second: Metadata) -> Metadata:
    """`second` (the command line) wins over `first` (the sidecar) field by field."""
    return replace(first, **{f.name: getattr(second, f.name) for f in fields(Metadata)
                             if getattr(second, f.name) is not None})


def ingest_text(text: str, name: str, base: Graph | None = None, *, data: bytes | None = None,
                base_index: BaseIndex | None = None, meta: Metadata | None = None, html: bool = False) -> Graph:
    """One document's text (already decoded) -> its graph. `name` is the file name used as dct:identifier;
    `html`: the text is the main text extracted from that file, a saved web page (offsets count its characters)."""
    original = unicodedata.normalize("NFC", text)
    if not original.strip():
        raise InputError("text is empty: nothing to ingest", path=name)
    norm = normalize_aligned(original)
    stem = Path(name).name.rsplit(".", 1)[0]
    meta = meta or Metadata()
    ex = extract(norm, original, stem, meta)
    g = Graph()
    bind_all(g)
    index = base_index or BaseIndex.of(base)
    payload = data if data is not None else original.encode("utf-8")
    GraphWriter(g, ex, norm, original, Path(name).name, source_iri(Path(name).name), index, meta).build(payload)
    if html:
        g.add((source_iri(Path(name).name), DCT["format"], Literal(HTML_FORMAT)))
    settle(g)  # one value where the model allows one, even when two records named one node
    for conflict in reconcile(g, base, Path(name).name) if base is not None else ():
        log.warning("conflict with the base graph (kept the base's, noted in the output): %s", conflict)
    log.info("%s: %s", name, ", ".join(f"{n} {kind}" for kind, n in written(g).items()))
    return g


def written(g: Graph) -> dict[str, int]:
    """How many nodes of each kind an output holds (what the summary line counts: written, not found)."""
    kinds = {"actors": "actor/", "instruments": "instrument/", "persons": "person/", "events": "event/"}
    subjects = {str(s) for s in g.subjects(PROV.wasDerivedFrom, None)}
    counts = {kind: sum(1 for s in subjects if s.startswith(f"{ID}{prefix}") and "/commitment/" not in s
                        and "/post/" not in s) for kind, prefix in kinds.items()}
    counts["commitments"] = sum(1 for s in subjects if "/commitment/" in s and "/target/" not in s)
    return counts


def ingest_file(path: str | Path, base: Graph | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
                base_index: BaseIndex | None = None, meta: Metadata | None = None) -> Graph:
    """Read, decode and ingest one file; '-' reads standard input (named 'stdin.txt').

    A sidecar FILE.meta.json (or STEM.meta.json: doc.txt -> doc.meta.json) gives the document's metadata;
    `meta` (the command line) wins over it. A saved HTML page is read through its main text, and what the page
    says about itself (title, date, site, address) fills in what neither says."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        text, name, known = decode_bytes(data, "<stdin>", max_bytes), "stdin.txt", Metadata()
    else:
        text, data = read_text_file(path, max_bytes)
        full, short = Path(f"{path}{SIDECAR_SUFFIX}"), Path(path).with_suffix(SIDECAR_SUFFIX)
        name, known = Path(path).name, read_sidecar(full if full.is_file() or not short.is_file() else short)
    html = is_html(text, name)
    if html:  # a saved news page: its article, and what the page says about it
        page = main_text(text, "<stdin>" if str(path) == "-" else str(path))
        text = page.text
        known = merge_metadata(Metadata(title=page.title, date=page.date, publisher=page.publisher,
                                        source_url=page.url), known)
    return ingest_text(text, name, base, data=data, base_index=base_index,
                       meta=merge_metadata(known, meta or Metadata()), html=html)


def ingest_files(paths: Iterable[str | Path], output: str | Path = "-", base_path: str | Path | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, meta: Metadata | None = None) -> int:
    """Ingest several files into one Turtle output (atomic; nothing is written if any input fails)."""
    paths = list(paths)
    if not paths:
        raise UsageError("no input files given")
    names = defaultdict(list)
    for p in paths:
        names[Path(str(p)).name if str(p) != "-" else "stdin.txt"].append(p)
    clashes = [n for n, ps in names.items() if len(ps) > 1]
    if clashes:
        raise UsageError(f"two inputs share the file name {clashes[0]!r}: source IRIs would collide")
    check_not_input(output, [*paths, *(expand_inputs([base_path]) if base_path else [])])
    base = load_base(base_path) if base_path else None
    index = BaseIndex.of(base)
    out = Graph()
    bind_all(out)
    for p in progress.steps(paths, "ingest", unit="file", describe=lambda p: Path(str(p)).name):
        out += ingest_file(p, base, max_bytes=max_bytes, base_index=index, meta=meta)
    settle(out)  # two files that name one node: still one name per language, one date
    with atomic_write(output) as handle:
        handle.write(out.serialize(format="turtle"))
    log.info("%d triples from %d file(s)", len(out), len(paths))
    return len(out)
