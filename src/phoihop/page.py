"""The offline page of a network: its data, vis-network (read from the installed pyvis package) and our own
script and stylesheet (templates/), all inlined into one HTML file that a Content-Security-Policy keeps
from fetching anything.

The page opens in Vietnamese, or in English when the export was asked for `--lang en` (the page's own
button switches at any time); templates/network.js says how it lays out, labels and filters the network.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
import string
from pathlib import Path

from . import network as nw
from .atomic import atomic_write
from .errors import UsageError
from .style import DEFAULTS, TEMPLATES, Options, level_colour, style, type_colour

log = logging.getLogger("phoihop.export")


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


def inline_script(text: str) -> str:
    """Text safe inside <script> or <style>: no '</script' or '</style' can close the element early."""
    return re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.IGNORECASE)


def script_json(data) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' that HTML could read."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


PAGE_NODE_KEYS = ("label_vi", "label_en", "type", "level", "area", "area_en", "number", "clause", "date", "topics")
PAGE_ITEM_KEYS = ("label_vi", "label_en", "number", "clause", "date", "topics", "years")
LAYOUTS = {"hierarchy": "radial"}  # the others: force-directed


def page_data(net: nw.Network, lang: str = "vi") -> dict:
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
        "name": net.name, "lang": lang, "title": style()["titles"][net.name], "directed": graph.is_directed(),
        "layout": LAYOUTS.get(net.name, "force"), "filters": str(net.filters), "nodes": nodes, "edges": edges,
        "details": {node: [list(entry) for entry in entries] for node, entries in net.details.items()
                    if node in graph},
        "items": items, "vocabulary": net.vocabulary, "roles": style()["roles"], "ui": style()["ui"],
        "relations": style()["relations"],
        "colours": {"type": {t: type_colour(t) for t in sorted(filter(None, present))},  # sorted: sets follow
                    "level": {lv: level_colour(lv) for lv in sorted(filter(None, levels))},  # the hash seed
                    "unknown": style()["unknown"]},
    }


def write_html(net: nw.Network, base: Path, options: Options = DEFAULTS) -> list[Path]:
    """One offline page: data, vis-network and our script all inlined; a CSP forbids any request."""
    script, stylesheet = vis_network_files()
    payload = script_json(page_data(net, options.lang))
    template = string.Template((TEMPLATES / "network.html").read_text(encoding="utf-8"))
    page = template.substitute(
        lang=options.lang, title=style()["titles"][net.name][options.lang], data=payload,
        vis_css=stylesheet.read_text(encoding="utf-8") if stylesheet.is_file() else "",
        app_css=(TEMPLATES / "network.css").read_text(encoding="utf-8"),
        vis_js=inline_script(script.read_text(encoding="utf-8")),
        app_js=inline_script((TEMPLATES / "network.js").read_text(encoding="utf-8")))
    path = base.with_name(base.name + ".html")
    with atomic_write(path) as handle:
        handle.write(page)
    if len(net.graph) > 3000:
        log.warning("%s: %d nodes is a lot for a browser; consider --level or --topic", path, len(net.graph))
    return [path]

