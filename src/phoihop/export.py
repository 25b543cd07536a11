"""`phoihop export`: the networks of phoihop.network written for the tools researchers already use.

Every format is one function `write(network, base) -> [paths]` in EXPORTERS, where base is the output path
without extension (out/coordination). Formats:

- graphml (Gephi, Cytoscape, igraph, yEd) and gexf (Gephi): attributes must be scalars there, so every
  list attribute (topics, years, programmes, relations) is written as one string joined with ';'.
- cyjs (Cytoscape.js / Cytoscape desktop JSON) and json (node-link JSON, D3): lists stay lists.
- dot (Graphviz): our own small writer with full quoting, no pydot needed; lists joined with ';'.
- csv: base-nodes.csv and base-edges.csv; lists joined with ';'.
- svg, png: a static picture (matplotlib), at most PICTURE_MAX_NODES best-connected nodes.
- html: one self-contained offline page; its JavaScript (vis-network) is read from the installed pyvis
  package and inlined, never fetched.
Node ids are IRIs everywhere; files are replaced atomically.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import logging
import math
import re
import string
import textwrap
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

import networkx as nx

from . import network as nw
from .atomic import atomic_write
from .errors import InputError, UsageError
from .resources import ontology_dir

log = logging.getLogger("phoihop.export")

TEMPLATES = Path(__file__).resolve().parent / "templates"
LIST_SEPARATOR = ";"
PICTURE_MAX_NODES = 150
PICTURE_MAX_LABELS = 80  # the most a picture tries; place_labels drops those without room
PICTURE_FONT_SIZE = 10
TOP_COORDINATORS = 10


# --- shared helpers ---------------------------------------------------------------------------------------

@cache
def style() -> dict:
    """Colours, titles and page strings (templates/style.json), shared by the picture and the page."""
    return json.loads((TEMPLATES / "style.json").read_text(encoding="utf-8"))


def type_colour(code: str | None) -> str:
    """A fixed colour per known type, a stable one from the spare palette for any other."""
    if not code:
        return style()["unknown"]
    known = style()["types"]
    if code in known:
        return known[code]
    spare = style()["other"]
    return spare[sum(map(ord, code)) % len(spare)]


def level_colour(code: str | None) -> str:
    return style()["levels"].get(code or "", style()["unknown"])


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

def write_graphml(net: nw.Network, base: Path) -> list[Path]:
    path = _target(base, ".graphml")
    with atomic_write(path, "wb") as handle:
        nx.write_graphml(flat(net.graph), handle)
    return [path]


def write_gexf(net: nw.Network, base: Path) -> list[Path]:
    path = _target(base, ".gexf")
    with atomic_write(path, "wb") as handle:
        nx.write_gexf(flat(net.graph), handle)
    return [path]


def _write_json(path: Path, payload: dict) -> list[Path]:
    with atomic_write(path) as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return [path]


def write_cyjs(net: nw.Network, base: Path) -> list[Path]:
    """Cytoscape JSON: elements.nodes[].data has id (the IRI) and name (the Vietnamese label)."""
    return _write_json(_target(base, ".cyjs"), nx.cytoscape_data(net.graph, name="label"))


def write_node_link(net: nw.Network, base: Path) -> list[Path]:
    return _write_json(_target(base, ".json"), nx.node_link_data(net.graph, edges="edges"))


def dot_quote(text) -> str:
    """A DOT double-quoted string: backslashes, quotes and line breaks escaped."""
    text = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n") + '"'


def write_dot(net: nw.Network, base: Path) -> list[Path]:
    """Graphviz DOT; fill colour by type and border colour by level, so `dot -Tsvg` gives a usable picture."""
    graph = flat(net.graph)
    kind, arrow = ("digraph", "->") if graph.is_directed() else ("graph", "--")
    path = _target(base, ".dot")
    with atomic_write(path) as out:
        out.write(f"strict {kind} {dot_quote(net.name)} {{\n")
        out.write('  graph [overlap="false", splines="true"];\n  node [shape="ellipse", style="filled"];\n')
        for node, data in graph.nodes(data=True):
            colours = {"fillcolor": type_colour(data.get("type")), "color": level_colour(data.get("level"))}
            out.write(f"  {dot_quote(node)} [{_dot_attrs({**data, **colours})}];\n")
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


def write_csv(net: nw.Network, base: Path) -> list[Path]:
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


def induced(graph: nx.Graph, keep: set) -> nx.Graph:
    """The subgraph on `keep`, in the parent's node order (networkx's views may follow set order, which
    changes from run to run and with it every seeded layout)."""
    sub = graph.__class__()
    sub.add_nodes_from((n, graph.nodes[n]) for n in graph if n in keep)
    sub.add_edges_from((u, v, d) for u, v, d in graph.edges(data=True) if u in keep and v in keep)
    return sub


def skyline_pack(sizes: list[float], width: float) -> list[tuple[float, float]]:
    """Top-left corners (x, depth) of squares of these sizes, in order, in a strip `width` wide: each goes
    as high up as it fits, then as far left (bottom-left skyline packing; depth grows downwards)."""
    skyline = [(0.0, width, 0.0)]  # (x, width, depth) segments side by side across the strip
    corners = []
    for size in sizes:
        depth, x = min((max(d for sx, sw, d in skyline if sx < x + size and sx + sw > x), x)
                       for x, _, _ in skyline if x + size <= width + 1e-9)
        corners.append((x, depth))
        covered = [(sx, sw, d) for sx, sw, d in skyline if sx < x + size and sx + sw > x]
        skyline = [seg for seg in skyline if seg not in covered] + [(x, size, depth + size)]
        left, right = covered[0], covered[-1]
        if left[0] < x:
            skyline.append((left[0], x - left[0], left[2]))
        if right[0] + right[1] > x + size:
            skyline.append((x + size, right[0] + right[1] - x - size, right[2]))
        skyline.sort()
    return corners


def packed_layout(graph: nx.Graph, aspect: float = 1.3) -> dict:
    """Seeded spring layout of each connected part, the parts packed into a box of this width/height ratio.

    One spring layout of a graph with many parts flings the parts apart and crams each one; packing them
    keeps every part readable. The strip width is chosen to draw the parts as large as the box allows.
    Edge weights are left out of the layout: a heavy tie would pull its two hubs together and pile their
    shared neighbours, and their labels, on top of each other.
    """
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    parts = sorted(nx.connected_components(undirected), key=lambda c: (-len(c), min(c)))
    scales = [0.12 + 0.5 * math.sqrt(len(part) - 1) for part in parts]
    sizes = [0.9 + 2 * scale for scale in scales]  # box width of each part, with room for labels

    def drawn_scale(corners: list[tuple[float, float]]) -> float:
        width = max(x + size for (x, _), size in zip(corners, sizes, strict=True))
        height = max(y + size for (_, y), size in zip(corners, sizes, strict=True))
        return min(aspect / width, 1 / height)

    widths = [sizes[0] * (sum(sizes) / sizes[0]) ** (k / 40) for k in range(41)]
    corners = max((skyline_pack(sizes, w) for w in widths), key=drawn_scale)
    positions: dict = {}
    for part, (x, y), size, scale in zip(parts, corners, sizes, scales, strict=True):
        sub = induced(graph, part)
        local = {min(part): (0, 0)}
        if len(part) > 1:
            local = nx.spring_layout(sub, seed=nw.SEED, iterations=500, k=6 / math.sqrt(len(part)),
                                     weight=None)
        for node, (px, py) in local.items():
            positions[node] = (x + size / 2 + px * scale, -y - size / 2 + py * scale)
    return positions


# label spots tried in turn: direction from the node's centre (x, y) and the text's alignment there; each
# direction is tried beside the node, then further out (LABEL_REACHES, points) with a leader line
LABEL_SPOTS = ((0, -1, "center", "top"), (0, 1, "center", "bottom"), (1, 0, "left", "center"),
               (-1, 0, "right", "center"), (0.7, -0.7, "left", "top"), (-0.7, -0.7, "right", "top"),
               (0.7, 0.7, "left", "bottom"), (-0.7, 0.7, "right", "bottom"))
LABEL_REACHES = (2, 24, 48, 72)


def place_labels(axes, renderer, positions: dict, radii: dict, labels: dict[str, str]) -> int:
    """Write each label (most important first) beside its node, or further out with a dotted leader line,
    where it covers no other label, leader, node or the frame, and its leader crosses no label or node.

    A label with no free spot is left out: the picture is an overview, and every other format has all
    labels. Radii are in points. Spots are tried on the label's measured size; only the chosen one is
    drawn. Returns the number of labels written.
    """
    from matplotlib.transforms import Bbox

    scale = axes.figure.dpi / 72  # points -> pixels
    frame = axes.get_window_extent(renderer)
    discs = {n: (*axes.transData.transform(positions[n]), radii[n] * scale) for n in positions}
    boxes: list[Bbox] = []
    leader_points: list[tuple[float, float]] = []  # samples along every leader drawn
    text_style = {"fontsize": PICTURE_FONT_SIZE, "linespacing": 1.1}
    pad = 0.3 * PICTURE_FONT_SIZE * scale  # the white box around the text, and a little air

    def covers(box: Bbox, x: float, y: float, margin: float = 0.0) -> bool:
        return box.x0 - margin < x < box.x1 + margin and box.y0 - margin < y < box.y1 + margin

    def clear(box: Bbox, node, leader: list[tuple[float, float]]) -> bool:
        return (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
                and not any(box.overlaps(other) for other in boxes)
                and not any(covers(box, x, y) for x, y in leader_points)
                and not any(covers(other, x, y) for other in boxes for x, y in leader)
                and not any(other != node and (covers(box, cx, cy, r)
                                               or any(math.hypot(x - cx, y - cy) < r + 2 for x, y in leader))
                            for other, (cx, cy, r) in discs.items()))

    def spot_box(x: float, y: float, ha: str, va: str, width: float, height: float) -> Bbox:
        x0 = {"left": x, "center": x - width / 2, "right": x - width}[ha]
        y0 = {"bottom": y, "center": y - height / 2, "top": y - height}[va]
        return Bbox.from_bounds(x0 - pad, y0 - pad, width + 2 * pad, height + 2 * pad)

    def candidates(node, width: float, height: float):
        """(spot, gap in points, leader samples, text box) of every place the node's label may go."""
        cx, cy, r = discs[node]
        for reach in LABEL_REACHES:
            gap = radii[node] + reach
            for dx, dy, ha, va in LABEL_SPOTS:
                x, y = cx + dx * gap * scale, cy + dy * gap * scale  # the text's anchor
                leader = [] if reach == LABEL_REACHES[0] else [
                    (cx + (x - cx) * t, cy + (y - cy) * t) for t in (i / 16 for i in range(17))
                    if t * math.hypot(x - cx, y - cy) > r]
                yield (dx, dy, ha, va), gap, leader, spot_box(x, y, ha, va, width, height)

    for node, text in labels.items():
        probe = axes.text(0, 0, text, **text_style)
        extent = probe.get_window_extent(renderer)
        probe.remove()
        spots = candidates(node, extent.width, extent.height)
        chosen = next((c for c in spots if clear(c[3], node, c[2])), None)
        if chosen is None:
            continue
        (dx, dy, ha, va), gap, leader, box = chosen
        arrow = {"arrowstyle": "-", "color": "#333333", "lw": 0.9, "ls": (0, (1, 1.5)), "shrinkA": 0,
                 "shrinkB": radii[node]} if leader else None
        axes.annotate(text, positions[node], xytext=(dx * gap, dy * gap), textcoords="offset points",
                      ha=ha, va=va, annotation_clip=False, arrowprops=arrow, **text_style,
                      bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
        boxes.append(box)
        leader_points.extend(leader)
    return len(boxes)


def write_picture(net: nw.Network, base: Path, fmt: str) -> list[Path]:
    """A static drawing (fill = type, border = level, size = degree) of the best-connected nodes."""
    from matplotlib import rc_context

    logging.getLogger("matplotlib").setLevel(logging.WARNING)  # its font search would drown our -v lines
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    graph = net.graph
    shown = graph
    if len(graph) > PICTURE_MAX_NODES:
        keep = sorted(graph, key=lambda n: (-graph.degree(n), n))[:PICTURE_MAX_NODES]
        shown = induced(graph, set(keep))
    title = style()["titles"][net.name]
    caption = (f"{title['vi']} / {title['en']}: {len(shown)} / {len(graph)} nodes, "
               f"{shown.number_of_edges()} edges")
    if net.filters != nw.Filters():
        caption += f" ({net.filters})"
    figure = Figure(figsize=(16, 11), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    axes.set_axis_off()
    axes.set_aspect("equal")
    axes.set_title(caption, fontsize=14)
    if len(shown):
        positions = packed_layout(shown)
        degree = dict(shown.degree())
        nodes = list(shown)
        sizes = {n: 60 + 130 * math.sqrt(degree[n]) for n in nodes}  # marker areas in points²
        widths = [0.7 + math.log1p(d.get("weight", 1)) for *_, d in shown.edges(data=True)]
        nx.draw_networkx_edges(shown, positions, ax=axes, edge_color="#b4b4b4", arrows=shown.is_directed(),
                               width=widths)
        nx.draw_networkx_nodes(shown, positions, nodelist=nodes, ax=axes, linewidths=2.4,
                               node_size=[sizes[n] for n in nodes],
                               node_color=[type_colour(shown.nodes[n].get("type")) for n in nodes],
                               edgecolors=[level_colour(shown.nodes[n].get("level")) for n in nodes])
        types = sorted({d.get("type") for _, d in shown.nodes(data=True) if d.get("type")})
        levels = sorted({d.get("level") for _, d in shown.nodes(data=True) if d.get("level")})
        handles = [Line2D([], [], marker="o", ls="", markersize=11, markerfacecolor=type_colour(t),
                          markeredgecolor="none", label=t) for t in types]
        handles += [Line2D([], [], marker="o", ls="", markersize=11, markerfacecolor="white",
                           markeredgewidth=2.4, markeredgecolor=level_colour(lv), label=f"level: {lv}")
                    for lv in levels]
        figure.legend(handles=handles, loc="outside right upper", fontsize=11, frameon=False)
        axes.margins(0.04)
        figure.draw_without_rendering()  # settle the layout, then freeze it: labels are placed in pixels
        figure.set_layout_engine("none")
        ranked = sorted(nodes, key=lambda n: (-degree[n], n))[:PICTURE_MAX_LABELS]
        labels = {n: textwrap.fill(shown.nodes[n].get("label", n), 24) for n in ranked}
        radii = {n: math.sqrt(area) / 2 for n, area in sizes.items()}
        placed = place_labels(axes, figure.canvas.get_renderer(), positions, radii, labels)
        log.debug("%s picture: %d of %d labels placed", net.name, placed, len(labels))
    path = _target(base, f".{fmt}")
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with rc_context({"svg.hashsalt": "phoihop", "svg.fonttype": "none"}), atomic_write(path, "wb") as handle:
        figure.savefig(handle, format=fmt, metadata=metadata)
    return [path]


# --- the interactive page ---------------------------------------------------------------------------------

def vis_network_files() -> tuple[Path, Path]:
    """vis-network's script and stylesheet as shipped inside the installed pyvis package (newest version)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("the html format needs the pyvis package (pip install pyvis): it ships vis-network")
    root = Path(next(iter(spec.submodule_search_locations)))

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", path.parent.name))

    scripts = sorted(root.glob("lib/vis-*/vis-network.min.js"), key=version)
    if not scripts:
        raise UsageError(f"no vis-network script found in the installed pyvis package ({root})")
    return scripts[-1], scripts[-1].with_name("vis-network.css")


def _inline_script(text: str) -> str:
    """Text safe inside <script>: no '</script' can close the element early."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


PAGE_NODE_KEYS = ("label_vi", "label_en", "type", "level", "area", "area_en", "number", "clause", "date", "topics")
PAGE_ITEM_KEYS = ("label_vi", "label_en", "number", "clause", "date", "topics", "years")
LAYOUTS = {"hierarchy": "radial"}  # the others: force-directed


def page_data(net: nw.Network) -> dict:
    """Everything the page script needs, as one JSON-ready dict."""
    graph = net.graph
    undirected_degree = graph.to_undirected(as_view=True).degree if graph.is_directed() else graph.degree
    nodes = []
    for node, data in graph.nodes(data=True):
        entry = {k: data[k] for k in PAGE_NODE_KEYS if k in data}
        entry.update(id=node, degree=undirected_degree(node), weight=undirected_degree(node, weight="weight"),
                     fill=type_colour(data.get("type")), border=level_colour(data.get("level")))
        entry.setdefault("label_vi", data.get("label", node))
        nodes.append(entry)
    edges = [{"from": u, "to": v, "weight": d.get("weight", 1), "topics": d.get("topics", []),
              "years": d.get("years", []), "relations": d.get("relations", []),
              "programmes": d.get("programmes", [])} for u, v, d in graph.edges(data=True)]
    items = {iri: {k: a[k] for k in PAGE_ITEM_KEYS if k in a} for iri, a in net.items.items()}
    present = {d.get("type") for _, d in graph.nodes(data=True)}
    levels = {d.get("level") for _, d in graph.nodes(data=True)}
    return {
        "name": net.name, "title": style()["titles"][net.name], "directed": graph.is_directed(),
        "layout": LAYOUTS.get(net.name, "force"), "filters": str(net.filters), "nodes": nodes, "edges": edges,
        "details": {node: [list(entry) for entry in entries] for node, entries in net.details.items()
                    if node in graph},
        "items": items, "vocabulary": net.vocabulary, "roles": style()["roles"], "ui": style()["ui"],
        "relations": style()["relations"],
        "colours": {"type": {t: type_colour(t) for t in present if t},
                    "level": {lv: level_colour(lv) for lv in levels if lv}, "unknown": style()["unknown"]},
    }


def write_html(net: nw.Network, base: Path) -> list[Path]:
    """One offline page: data, vis-network and our script all inlined; a CSP forbids any request."""
    script, stylesheet = vis_network_files()
    payload = json.dumps(page_data(net), ensure_ascii=False, separators=(",", ":"))
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    template = string.Template((TEMPLATES / "network.html").read_text(encoding="utf-8"))
    title = style()["titles"][net.name]["vi"]
    page = template.substitute(
        title=title, data=payload,
        vis_css=stylesheet.read_text(encoding="utf-8") if stylesheet.is_file() else "",
        app_css=(TEMPLATES / "network.css").read_text(encoding="utf-8"),
        vis_js=_inline_script(script.read_text(encoding="utf-8")),
        app_js=_inline_script((TEMPLATES / "network.js").read_text(encoding="utf-8")))
    path = _target(base, ".html")
    with atomic_write(path) as handle:
        handle.write(page)
    if len(net.graph) > 3000:
        log.warning("%s: %d nodes is a lot for a browser; consider --level or --topic", path, len(net.graph))
    return [path]


Writer = Callable[[nw.Network, Path], list[Path]]
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


def write_ontology_doc(out: Path, ontology: Path | None = None) -> Path | None:
    """An HTML page documenting the ontology (pyLODE); None, with a warning, when pyLODE is not installed."""
    try:
        from pylode import OntPub
    except ImportError:
        log.warning("ontology page skipped: pyLODE is not installed (pip install 'phoihop[docs]')")
        return None
    ontology = ontology or ontology_dir() / "phoihop.ttl"
    if not ontology.is_file():
        raise InputError("no such ontology file", path=ontology)
    try:
        page = OntPub(ontology=str(ontology)).make_html()
    except Exception as err:  # pyLODE reports bad input with assorted exception types
        raise InputError(f"pyLODE could not document the ontology: {err}", path=ontology) from None
    with atomic_write(out) as handle:
        handle.write(page)
    return out


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
           ontology_doc: Path | None = None) -> ExportResult:
    """Build each network from the graph files and write it in each format (plus metrics, ontology page)."""
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
    store = nw.load(inputs)
    result.seconds["load"] = time.perf_counter() - start
    start = time.perf_counter()
    attributes = nw.all_node_attributes(store)  # read once, shared by every network
    result.seconds["node facts"] = time.perf_counter() - start
    for name in graphs:
        start = time.perf_counter()
        net = nw.build_network(store, name, filters, details="html" in formats, attributes=attributes)
        result.seconds[f"{name}:build"] = time.perf_counter() - start
        base = out_dir / name
        for fmt in formats:
            start = time.perf_counter()
            result.outputs.extend(EXPORTERS[fmt](net, base))
            result.seconds[f"{name}:{fmt}"] = time.perf_counter() - start
        if with_metrics:
            rows = nw.metrics(net.graph)
            result.metrics[name] = rows
            result.outputs.append(write_metrics(rows, _target(base, "-metrics.csv")))
    if ontology_doc is not None:
        written = write_ontology_doc(ontology_doc)
        result.outputs.extend([written] if written else [])
    return result
