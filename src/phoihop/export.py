"""`phoihop export`: the networks of phoihop.network written for the tools researchers already use.

Every format is one function `write(network, base, options) -> [paths]` in EXPORTERS, where base is the
output path without extension (out/coordination) and options (phoihop.style.Options) carry the language of
the words and the size of a static picture. Formats:

- graphml (Gephi, Cytoscape, igraph, yEd) and gexf (Gephi): attributes must be scalars there, so every
  list attribute (topics, years, programmes, relations) is written as one string joined with ';'.
- cyjs (Cytoscape.js / Cytoscape desktop JSON) and json (node-link JSON, D3): lists stay lists.
- dot (Graphviz): our own small writer with full quoting, no pydot needed; lists joined with ';'. It says
  how to draw itself (sfdp layout, overlap removal, packed parts, short labels in readable colours), so
  plain `dot -Tsvg` gives a picture of sensible shape.
- csv: base-nodes.csv and base-edges.csv; lists joined with ';'.
- svg, png: a static picture (phoihop.picture).
- html: one self-contained offline page (phoihop.page).
Node ids are IRIs everywhere; files are replaced atomically.
"""

from __future__ import annotations

import csv
import json
import logging
import textwrap
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import networkx as nx

from . import network as nw
from . import progress
from .atomic import atomic_write
from .errors import InputError, UsageError
from .page import write_html
from .picture import write_picture
from .resources import ontology_dir
from .style import DEFAULTS, Options, full_name, level_colour, short_label, style, text_colour, type_colour

log = logging.getLogger("phoihop.export")

LIST_SEPARATOR = ";"
TOP_COORDINATORS = 10


def _scalar(value):
    if isinstance(value, list | tuple | set):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def flat(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all scalars (lists joined with ';'), for GraphML, GEXF, DOT and CSV."""
    out = graph.__class__()
    out.graph.update({k: _scalar(v) for k, v in graph.graph.items()})
    for node, data in graph.nodes(data=True):
        out.add_node(node, **{k: _scalar(v) for k, v in data.items()})
    for u, v, data in graph.edges(data=True):
        out.add_edge(u, v, **{k: _scalar(val) for k, val in data.items()})
    return out


def _target(base: Path, suffix: str) -> Path:
    return base.with_name(base.name + suffix)


# --- the formats ------------------------------------------------------------------------------------------

def write_graphml(net: nw.Network, base: Path, options: Options = DEFAULTS) -> list[Path]:
    path = _target(base, ".graphml")
    with atomic_write(path, "wb") as handle:
        nx.write_graphml(flat(net.graph), handle)
    return [path]


def write_gexf(net: nw.Network, base: Path, options: Options = DEFAULTS) -> list[Path]:
    path = _target(base, ".gexf")
    with atomic_write(path, "wb") as handle:
        nx.write_gexf(flat(net.graph), handle)
    return [path]


def _write_json(path: Path, payload: dict) -> list[Path]:
    with atomic_write(path) as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return [path]


def write_cyjs(net: nw.Network, base: Path, options: Options = DEFAULTS) -> list[Path]:
    """Cytoscape JSON: elements.nodes[].data has id (the IRI) and name (the Vietnamese label)."""
    return _write_json(_target(base, ".cyjs"), nx.cytoscape_data(net.graph, name="label"))


def write_node_link(net: nw.Network, base: Path, options: Options = DEFAULTS) -> list[Path]:
    return _write_json(_target(base, ".json"), nx.node_link_data(net.graph, edges="edges"))


def dot_quote(text) -> str:
    """A DOT double-quoted string: backslashes, quotes and line breaks escaped."""
    text = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n") + '"'


DOT_GRAPH = {"layout": "sfdp", "overlap": "prism", "overlap_scaling": "2", "splines": "false", "pack": "true",
             "outputorder": "edgesfirst", "fontname": "DejaVu Sans", "fontsize": "18", "labelloc": "t"}
DOT_NODE = {"shape": "box", "style": "rounded,filled", "fontname": "DejaVu Sans", "fontsize": "11",
            "penwidth": "2.5", "margin": "0.1,0.05"}
DOT_EDGE = {"color": "#8c8c8c", "arrowsize": "0.6"}


def write_dot(net: nw.Network, base: Path, options: Options = DEFAULTS) -> list[Path]:
    """Graphviz DOT that draws itself well: sfdp with overlap removal and packed parts (a network of many
    small parts stays compact, not a strip); each node a box filled by type, framed by level, with its short
    label in black or white, whichever reads on the fill, and its full name as tooltip. Every attribute of
    the network is kept (lists joined with ';'); `label` is the drawn one, label_vi / label_en the names."""
    graph = flat(net.graph)
    kind, arrow = ("digraph", "->") if graph.is_directed() else ("graph", "--")
    path = _target(base, ".dot")
    title = style()["titles"][net.name][options.lang]
    with atomic_write(path) as out:
        out.write(f"strict {kind} {dot_quote(net.name)} {{\n")
        out.write(f"  graph [{_dot_attrs({**DOT_GRAPH, 'label': title})}];\n")
        out.write(f"  node [{_dot_attrs(DOT_NODE)}];\n  edge [{_dot_attrs(DOT_EDGE)}];\n")
        for node, data in graph.nodes(data=True):
            fill = type_colour(data.get("type"))
            drawn = {"label": textwrap.fill(short_label(net.graph.nodes[node], net.vocabulary, options.lang), 22),
                     "tooltip": full_name(data, options.lang), "fillcolor": fill, "fontcolor": text_colour(fill),
                     "color": level_colour(data.get("level"))}
            out.write(f"  {dot_quote(node)} [{_dot_attrs({**data, **drawn})}];\n")
        for u, v, data in graph.edges(data=True):
            out.write(f"  {dot_quote(u)} {arrow} {dot_quote(v)} [{_dot_attrs(data)}];\n")
        out.write("}\n")
    return [path]


def _dot_attrs(attrs: dict) -> str:
    return ", ".join(f"{key}={dot_quote(value)}" for key, value in attrs.items())


def _columns(rows: Iterable[dict], first: list[str]) -> list[str]:
    seen = {key for row in rows for key in row}
    return [c for c in first if c in seen] + sorted(seen - set(first))


NODE_COLUMNS = ["label", "label_vi", "label_en", "type", "level", "area", "iri"]


def write_csv(net: nw.Network, base: Path, options: Options = DEFAULTS) -> list[Path]:
    """Two tables: <base>-nodes.csv (id + attributes) and <base>-edges.csv (source, target + attributes)."""
    graph = flat(net.graph)
    nodes = [{"id": n, **d} for n, d in graph.nodes(data=True)]
    edges = [{"source": u, "target": v, **d} for u, v, d in graph.edges(data=True)]
    written = []
    for suffix, rows, first in (("-nodes.csv", nodes, ["id", *NODE_COLUMNS]),
                                ("-edges.csv", edges, ["source", "target", "weight"])):
        path = _target(base, suffix)
        with atomic_write(path) as handle:
            writer = csv.DictWriter(handle, fieldnames=_columns(rows, first) or first, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    return written


Writer = Callable[[nw.Network, Path, Options], list[Path]]
EXPORTERS: dict[str, Writer] = {
    "graphml": write_graphml,
    "gexf": write_gexf,
    "cyjs": write_cyjs,
    "json": write_node_link,
    "dot": write_dot,
    "csv": write_csv,
    "html": write_html,
    "svg": partial(write_picture, fmt="svg"),
    "png": partial(write_picture, fmt="png"),
}


# --- metrics and the ontology page ------------------------------------------------------------------------

METRIC_COLUMNS = ["iri", "label_vi", "label_en", "type", "level", "degree", "weighted_degree", "betweenness",
                  "community"]


def write_metrics(rows: list[dict], path: Path) -> Path:
    with atomic_write(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=METRIC_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def format_top(name: str, rows: list[dict], limit: int = TOP_COORDINATORS) -> str:
    """The best-connected nodes as a small aligned table (what `--metrics` prints)."""
    lines = [f"# {name}: top {min(limit, len(rows))} of {len(rows)} by degree",
             f"{'rank':>4} {'degree':>6} {'weight':>6} {'betweenness':>11} {'comm':>4}  label (type, level)"]
    for rank, row in enumerate(rows[:limit], 1):
        kind = f"({row['type'] or '?'}, {row['level'] or '?'})"
        lines.append(f"{rank:>4} {row['degree']:>6} {row['weighted_degree']:>6} {row['betweenness']:>11.4f} "
                     f"{row['community']:>4}  {row['label_vi']} {kind}")
    return "\n".join(lines)


ONTOLOGY_LANGUAGES = ("vi", "en")  # the first is the page asked for; the others get .<lang> before .html


def ontology_doc_paths(out: Path) -> dict[str, Path]:
    """The page of each language: ontology.html (Vietnamese) and ontology.en.html (English)."""
    first, *others = ONTOLOGY_LANGUAGES
    return {first: out, **{lang: out.with_name(f"{out.stem}.{lang}{out.suffix}") for lang in others}}


def write_ontology_doc(out: Path, ontology: Path | None = None) -> list[Path]:
    """The ontology documented by pyLODE, one page per language (ontology_doc_paths), each linking to the
    others; [] with a warning when pyLODE is not installed.

    pyLODE writes every label, title and definition of a term one after the other, so a bilingual
    ontology reads "chủ thểactor"; each page is made from a copy of the ontology that keeps only the
    literals in its language (and those without one).
    """
    try:
        from pylode import OntPub
    except ImportError:
        log.warning("ontology page skipped: pyLODE is not installed (pip install 'phoihop[docs]')")
        return []
    import rdflib

    ontology = ontology or ontology_dir() / "phoihop.ttl"
    if not ontology.is_file():
        raise InputError("no such ontology file", path=ontology)
    paths = ontology_doc_paths(out)
    try:
        full = rdflib.Graph().parse(ontology, format="turtle")
    except Exception as err:  # rdflib reports bad input with assorted exception types
        raise InputError(f"the ontology does not parse: {err}", path=ontology) from None
    written = []
    for lang, path in paths.items():
        graph = rdflib.Graph()
        for prefix, namespace in full.namespaces():
            graph.bind(prefix, namespace)
        graph += ((s, p, o) for s, p, o in full if getattr(o, "language", None) in (None, lang))
        previous = logging.root.manager.disable
        logging.disable(logging.INFO)  # pyLODE announces its pickle file on the root logger
        try:
            page = OntPub(ontology=graph, sort_subjects=True).make_html()  # a stable order
        except Exception as err:  # pyLODE reports bad input with assorted exception types
            raise InputError(f"pyLODE could not document the ontology: {err}", path=ontology) from None
        finally:
            logging.disable(previous)
        with atomic_write(path) as handle:
            handle.write(_with_language_links(page, lang, paths))
        written.append(path)
    return written


def _with_language_links(page: str, lang: str, paths: dict[str, Path]) -> str:
    """The page marked with its language, and a link to each other language's page at the top."""
    names = style()["ontology"]["languages"]
    links = " · ".join(f'<a href="{p.name}" hreflang="{other}" lang="{other}">{names[other]}</a>'
                       for other, p in paths.items() if other != lang)
    bar = f'<p class="phoihop-languages"><strong lang="{lang}">{names[lang]}</strong> · {links}</p>'
    page = page.replace("<html>", f'<html lang="{lang}">', 1).replace('<html lang="en">', f'<html lang="{lang}">', 1)
    return page.replace("<body>", "<body>\n" + bar, 1)


# --- the command ------------------------------------------------------------------------------------------

@dataclass
class ExportResult:
    """What an export wrote and measured; `metrics` holds the rows per network when asked for."""

    outputs: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, list[dict]] = field(default_factory=dict)


def expand(choices: Iterable[str], every: Iterable[str]) -> list[str]:
    """'all' -> every choice; otherwise the choices given, in order, without repeats."""
    choices = list(choices)
    return list(every) if "all" in choices else list(dict.fromkeys(choices))


def export(inputs: list[Path], graphs: Iterable[str], formats: Iterable[str], out_dir: Path,
           filters: nw.Filters | None = None, with_metrics: bool = False,
           ontology_doc: Path | None = None, options: Options = DEFAULTS) -> ExportResult:
    """Build each network from the graph files (none: the built release, whose network query rows are kept
    per release, so a second export of it reads no graph) and write it in each format (plus metrics,
    ontology page)."""
    formats = list(formats)
    if ontology_doc is None and "all" in formats:
        ontology_doc = out_dir / "ontology.html"
    graphs = expand(graphs, nw.GRAPH_NAMES)
    formats = expand(formats, EXPORTERS)
    unknown = [f for f in formats if f not in EXPORTERS] + [g for g in graphs if g not in nw.GRAPH_NAMES]
    if unknown:
        raise UsageError(f"unknown graph or format: {', '.join(unknown)}")
    result = ExportResult()
    start = time.perf_counter()
    store = nw.load(inputs) if inputs else nw.load_release()
    result.seconds["load"] = time.perf_counter() - start
    start = time.perf_counter()
    attributes = nw.all_node_attributes(store)  # read once, shared by every network
    result.seconds["node facts"] = time.perf_counter() - start
    jobs = [(name, step) for name in graphs for step in ("build", *formats, *(["metrics"] if with_metrics else []))]
    jobs += [("ontology", "pyLODE")] if ontology_doc is not None else []
    net = None
    for name, step in progress.steps(jobs, "export", unit="step", describe=lambda job: f"{job[0]}: {job[1]}"):
        start = time.perf_counter()
        base = out_dir / name
        if step == "build":
            net = nw.build_network(store, name, filters, details="html" in formats, attributes=attributes)
        elif step == "metrics":
            result.metrics[name] = rows = nw.metrics(net.graph)
            result.outputs.append(write_metrics(rows, _target(base, "-metrics.csv")))
        elif step == "pyLODE":
            result.outputs.extend(write_ontology_doc(ontology_doc))
        else:
            result.outputs.extend(EXPORTERS[step](net, base, options))
        result.seconds[f"{name}:{step}"] = time.perf_counter() - start
    return result
