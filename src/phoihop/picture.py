"""The static picture of a network (`phoihop export --format svg|png`), drawn with matplotlib.

Each connected part gets its own seeded spring layout and the parts are packed into the frame
(`packed_layout`), so a network of many small parts does not shrink each one to a dot. Fill colour is the
node's type, border colour its level, size its degree; the legend names types and levels in the picture's
language. Labels go to the best-connected nodes first, each beside its node or further out on a dotted
leader where it hides no other label, leader or node (`place_labels`); a label with no free place is left
out (every other format has all names). By default the PICTURE_MAX_NODES best-connected nodes are drawn;
`--max-nodes 0` draws every node on a canvas that grows with them.
"""

from __future__ import annotations

import logging
import math
import textwrap
from pathlib import Path

import networkx as nx

from . import network as nw
from .atomic import atomic_write
from .style import DEFAULTS, Options, level_colour, short_label, style, term, type_colour

log = logging.getLogger("phoihop.export")

PICTURE_MAX_LABELS = 80  # the most a picture tries; place_labels drops those without room
PICTURE_FONT_SIZE = 10


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
MUST_LABEL = 8  # the best-connected nodes are labelled even where their label covers smaller nodes


def place_labels(axes, renderer, positions: dict, radii: dict, labels: dict[str, str]) -> int:
    """Write each label (most important first) beside its node, or further out with a dotted leader line,
    where it covers no other label, leader, node or the frame, and its leader crosses no label or node.
    The first MUST_LABEL labels, if they find no such spot, take one that only covers other nodes: a
    picture whose biggest hubs go unnamed is of no use.

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

    def clear(box: Bbox, node, leader: list[tuple[float, float]], strict: bool = True) -> bool:
        return (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
                and not any(box.overlaps(other) for other in boxes)
                and not any(covers(box, x, y) for x, y in leader_points)
                and not any(covers(other, x, y) for other in boxes for x, y in leader)
                and not (strict and any(other != node and (
                    covers(box, cx, cy, r) or any(math.hypot(x - cx, y - cy) < r + 2 for x, y in leader))
                    for other, (cx, cy, r) in discs.items())))

    def spot_box(x: float, y: float, ha: str, va: str, width: float, height: float) -> Bbox:
        x0 = {"left": x, "center": x - width / 2, "right": x - width}[ha]
        y0 = {"bottom": y, "center": y - height / 2, "top": y - height}[va]
        return Bbox.from_bounds(x0 - pad, y0 - pad, width + 2 * pad, height + 2 * pad)

    def candidates(node, width: float, height: float, reaches=LABEL_REACHES):
        """(spot, gap in points, leader samples, text box) of every place the node's label may go."""
        cx, cy, r = discs[node]
        for reach in reaches:
            gap = radii[node] + reach
            for dx, dy, ha, va in LABEL_SPOTS:
                x, y = cx + dx * gap * scale, cy + dy * gap * scale  # the text's anchor
                leader = [] if reach == LABEL_REACHES[0] else [
                    (cx + (x - cx) * t, cy + (y - cy) * t) for t in (i / 16 for i in range(17))
                    if t * math.hypot(x - cx, y - cy) > r]
                yield (dx, dy, ha, va), gap, leader, spot_box(x, y, ha, va, width, height)

    for rank, (node, text) in enumerate(labels.items()):
        probe = axes.text(0, 0, text, **text_style)
        extent = probe.get_window_extent(renderer)
        probe.remove()
        chosen = next((c for c in candidates(node, extent.width, extent.height) if clear(c[3], node, c[2])), None)
        if chosen is None and rank < MUST_LABEL:  # a hub in a dense core: its label may cover small nodes
            chosen = next((c for c in candidates(node, extent.width, extent.height, LABEL_REACHES[::-1])
                           if clear(c[3], node, c[2], strict=False)), None)  # out of the core, on a leader
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


def write_picture(net: nw.Network, base: Path, options: Options = DEFAULTS, fmt: str = "png") -> list[Path]:
    """A static drawing (fill = type, border = level, size = degree) of the best-connected nodes, or of every
    node with options.max_nodes = 0; words (caption, legend, labels) in options.lang."""
    from matplotlib import rc_context

    logging.getLogger("matplotlib").setLevel(logging.WARNING)  # its font search would drown our -v lines
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    graph = net.graph
    shown = graph
    if options.max_nodes and len(graph) > options.max_nodes:
        keep = sorted(graph, key=lambda n: (-graph.degree(n), n))[:options.max_nodes]
        shown = induced(graph, set(keep))
    words = style()["picture"]
    caption = words["caption"][options.lang].format(
        title=style()["titles"][net.name][options.lang], shown=len(shown), nodes=len(graph),
        edges=shown.number_of_edges())
    if net.filters != nw.Filters():
        caption += f" ({net.filters})"
    side = 16 if len(shown) <= 400 else min(40, 16 * math.sqrt(len(shown) / 400))  # room for a whole network
    figure = Figure(figsize=(side, side * 11 / 16), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    axes.set_axis_off()
    axes.set_aspect("equal")
    axes.set_title(caption, fontsize=14)
    if len(shown):
        _draw(net, shown, figure, axes, options)
    path = base.with_name(f"{base.name}.{fmt}")
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with rc_context({"svg.hashsalt": "phoihop", "svg.fonttype": "none"}), atomic_write(path, "wb") as handle:
        figure.savefig(handle, format=fmt, metadata=metadata)
    return [path]


def _draw(net: nw.Network, shown: nx.Graph, figure, axes, options: Options) -> None:
    """Edges, nodes, the legend (the vocabulary's words) and the labels, largest nodes first."""
    from matplotlib.lines import Line2D

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
    vocabulary, lang = net.vocabulary, options.lang
    types = sorted({d["type"] for _, d in shown.nodes(data=True) if d.get("type")},
                   key=lambda t: term(vocabulary, "type", t, lang).lower())
    levels = [lv for lv in style()["levels"] if any(d.get("level") == lv for _, d in shown.nodes(data=True))]
    handles = [Line2D([], [], marker="o", ls="", markersize=11, markerfacecolor=type_colour(t),
                      markeredgecolor="none", label=term(vocabulary, "type", t, lang)) for t in types]
    level_word = style()["picture"]["level"][lang]
    handles += [Line2D([], [], marker="o", ls="", markersize=11, markerfacecolor="white", markeredgewidth=2.4,
                       markeredgecolor=level_colour(lv), label=f"{level_word}: {term(vocabulary, 'level', lv, lang)}")
                for lv in levels]
    figure.legend(handles=handles, loc="outside right upper", fontsize=11, frameon=False)
    axes.margins(0.04)
    figure.draw_without_rendering()  # settle the layout, then freeze it: labels are placed in pixels
    figure.set_layout_engine("none")
    ranked = sorted(nodes, key=lambda n: (-degree[n], n))[:PICTURE_MAX_LABELS]
    labels = {n: textwrap.fill(short_label(shown.nodes[n], vocabulary, lang), 24) for n in ranked}
    radii = {n: math.sqrt(area) / 2 for n, area in sizes.items()}
    placed = place_labels(axes, figure.canvas.get_renderer(), positions, radii, labels)
    log.debug("%s picture: %d of %d labels placed", net.name, placed, len(labels))
