/* phoihop interactive network page: draws the embedded graph with vis-network (inlined from the pyvis
   package), filters it by topic, year and level, switches everything between Vietnamese and English, and
   shows a node's commitments and instruments on click. Everything it needs is in this one file: no requests.

   Labels are drawn by this script, not by vis-network, at a fixed size on screen (LABEL_PX): the most
   connected nodes first (a selected node and its neighbours before them), each only where it overlaps no
   label already drawn and stays inside the canvas, so a dense core shows its hubs' names and zooming in
   shows more. The hierarchy is laid out as a radial tree (rings by depth); the other networks by
   forceAtlas2, frozen once stable. After a filter the view refits to what is left. */
(function () {
  "use strict";
  var LABEL_PX = 13;
  var LABEL_FONT = LABEL_PX + "px 'DejaVu Sans', 'Noto Sans', Arial, sans-serif";
  var MAX_LABEL_CHARS = 40;
  var RING = 170;            // canvas units between the rings of the radial tree
  var MUST_LABEL = 8;        // the best-connected nodes are labelled even where that covers small nodes
  var data = JSON.parse(document.getElementById("phoihop-data").textContent);
  var asked = /(?:^|[#&])lang=(vi|en)\b/.exec(window.location.hash);  // #lang=en in the address wins
  var lang = asked ? asked[1] : (data.lang === "en" ? "en" : "vi");
  var state = { topic: "", year: "", level: "", empty: false };
  var selected = null;
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  // --- words -------------------------------------------------------------------------------------------
  function pick(labels) {
    if (!labels) { return ""; }
    return lang === "en" ? (labels.en || labels.vi || "") : (labels.vi || labels.en || "");
  }
  function term(kind, code) {
    var labels = (data.vocabulary[kind] || {})[code];
    return pick(labels) || code;
  }
  function label(o, fallback) {
    var text = lang === "en" ? (o.label_en || o.label_vi) : (o.label_vi || o.label_en);
    return text || o.number || fallback;
  }
  function area(o) { return lang === "en" ? (o.area_en || o.area) : (o.area || o.area_en); }
  function ui(key) { return pick(data.ui[key]) || key; }
  function shorten(text, limit) {  // as phoihop.style.shorten: cut after a whole word where one ends late enough
    if (text.length <= limit) { return text; }
    var cut = text.slice(0, limit - 1);
    var space = cut.lastIndexOf(" ");
    if (space > Math.floor(limit * 2 / 3)) { cut = cut.slice(0, space); }
    return cut.replace(/[\s,;:.\-–]+$/, "") + "…";
  }
  /* What a node is called on the canvas: an instrument by its number, a commitment by its clause and topic,
     anything else by its name, shortened; the full name is in the tooltip and the side panel. */
  function shortLabel(n) {
    if (n.type === "Commitment") {
      var topic = (n.topics || []).length ? term("topic", n.topics[0]) : "";
      var text = [n.clause, topic].filter(Boolean).join(" · ");
      return text || shorten(label(n, n.id), MAX_LABEL_CHARS);
    }
    if (n.number) { return n.number; }
    return shorten(label(n, n.id), MAX_LABEL_CHARS);
  }
  function itemLabel(iri) { return label(data.items[iri] || byId[iri] || {}, iri); }
  function tooltip(n) {
    var lines = [label(n, n.id), [term("type", n.type), term("level", n.level), area(n)].filter(Boolean)
      .join(" · ")];
    if (n.number && label(n, "") !== n.number) { lines.push(n.number + (n.date ? " (" + n.date + ")" : "")); }
    if ((n.topics || []).length) {
      lines.push(ui("topics") + ": " + n.topics.map(function (t) { return term("topic", t); }).join(", "));
    }
    return lines.filter(Boolean).join("\n");
  }

  // --- what is shown -------------------------------------------------------------------------------------
  function visNode(n) {
    return {
      id: n.id, value: n.degree + 1, title: tooltip(n), borderWidth: 3,
      shape: n.type === "Commitment" && data.name === "bipartite" ? "square" : "dot",
      color: { background: n.fill, border: n.border, highlight: { background: n.fill, border: "#000" },
               hover: { background: n.fill, border: "#000" } }
    };
  }
  var nodes = new vis.DataSet(data.nodes.map(visNode));
  var tree = data.layout === "radial" ? spanningTree() : null;
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var edge = { id: i, from: e.from, to: e.to, value: e.weight, arrows: data.directed && !tree ? "to" : "" };
    if (tree && tree.parent[e.from] !== e.to) {  // not the tree's own link (an actor's area, say): faint
      edge.color = { color: "rgba(160,160,160,0.18)", highlight: "#777", hover: "#777" };
    }
    return edge;
  }));
  var visibleNodes = {};
  var visibleEdges = {};
  var nodesView = new vis.DataView(nodes, { filter: function (n) { return visibleNodes[n.id] === true; } });
  var edgesView = new vis.DataView(edges, { filter: function (e) { return visibleEdges[e.id] === true; } });

  function levelMatches(n) { return !state.level || (n && n.level === state.level); }
  function shownByTree(id) { return !tree || state.empty || tree.inhabited[id]; }
  function inScope(o) {
    if (state.topic && (o.topics || []).indexOf(state.topic) < 0) { return false; }
    return !(state.year && (o.years || []).indexOf(Number(state.year)) < 0);
  }
  function recompute() {
    var filtering = Boolean(state.topic || state.year);
    visibleNodes = {};
    visibleEdges = {};
    data.edges.forEach(function (e, i) {
      var from = byId[e.from], to = byId[e.to];
      if (levelMatches(from) && levelMatches(to) && shownByTree(e.from) && shownByTree(e.to)
          && (!filtering || inScope(e))) {
        visibleEdges[i] = true;
        visibleNodes[e.from] = true;
        visibleNodes[e.to] = true;
      }
    });
    if (!filtering) {
      data.nodes.forEach(function (n) { if (levelMatches(n) && shownByTree(n.id)) { visibleNodes[n.id] = true; } });
    }
    nodesView.refresh();
    edgesView.refresh();
    rankLabels();
    showStatus();
  }
  function showStatus() {
    var status = document.getElementById("status");
    var n = nodesView.length;
    var m = edgesView.length;
    status.setAttribute("data-nodes", String(n));
    status.setAttribute("data-edges", String(m));
    status.textContent = lang === "en" ? n + " nodes · " + m + " links" : n + " nút · " + m + " liên kết";
  }

  // --- the radial tree (hierarchy) -----------------------------------------------------------------------
  /* One parent per node (an actor's parent body before its area, an area's enclosing area), children in
     label order, and which nodes have an actor at or below them: areas without one are hidden unless the
     "empty areas" box is ticked, so 63 provinces without actors do not crowd the few that have some. */
  function spanningTree() {
    var rank = { subOrganizationOf: 0, withinArea: 1, spatial: 2 };
    var parent = {};
    data.edges.forEach(function (e) {
      var r = Math.min.apply(null, (e.relations || []).map(function (x) { return x in rank ? rank[x] : 3; }));
      if (!(e.from in parent) || r < parent[e.from].rank) { parent[e.from] = { id: e.to, rank: r }; }
    });
    var children = {};
    var roots = [];
    data.nodes.forEach(function (n) {
      var seen = {}, up = n.id;
      while (parent[up] && !seen[up]) { seen[up] = true; up = parent[up].id; }
      if (!parent[n.id] || seen[n.id] && up === n.id) { roots.push(n.id); delete parent[n.id]; return; }
      (children[parent[n.id].id] = children[parent[n.id].id] || []).push(n.id);
    });
    var order = function (a, b) { return (byId[a].label_vi || a).localeCompare(byId[b].label_vi || b, "vi"); };
    Object.keys(children).forEach(function (id) { children[id].sort(order); });
    roots.sort(order);
    var inhabited = {};
    function mark(id) {
      var own = byId[id].type !== "AdministrativeArea";
      (children[id] || []).forEach(function (c) { own = mark(c) || own; });
      inhabited[id] = own;
      return own;
    }
    roots.forEach(mark);
    var parentOf = {};
    Object.keys(parent).forEach(function (id) { parentOf[id] = parent[id].id; });
    return { children: children, roots: roots, inhabited: inhabited, parent: parentOf };
  }
  function radialPositions() {
    var kids = function (id) { return (tree.children[id] || []).filter(function (c) { return visibleNodes[c]; }); };
    var leaves = {};
    function count(id) {
      var list = kids(id);
      leaves[id] = list.length ? list.reduce(function (s, c) { return s + count(c); }, 0) : 1;
      return leaves[id];
    }
    var roots = tree.roots.filter(function (id) { return visibleNodes[id]; });
    var total = roots.reduce(function (s, r) { return s + count(r); }, 0) || 1;
    var positions = {};
    var single = roots.length === 1;
    var perDepth = [];  // nodes on each ring: a crowded ring is pushed outwards to give each one room
    (function countDepth(ids, depth) {
      ids.forEach(function (id) { perDepth[depth] = (perDepth[depth] || 0) + 1; countDepth(kids(id), depth + 1); });
    }(roots, single ? 0 : 1));
    var radii = [0];
    for (var d = 1; d < perDepth.length; d++) {
      radii[d] = Math.max(radii[d - 1] + RING, perDepth[d] * 34 / (2 * Math.PI));
    }
    function place(id, depth, from, span) {
      var angle = from + span / 2;
      var radius = radii[depth];
      positions[id] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
      var start = from;
      kids(id).forEach(function (c) {
        var share = span * leaves[c] / leaves[id];
        place(c, depth + 1, start, share);
        start += share;
      });
    }
    var start = -Math.PI / 2;
    roots.forEach(function (r) {
      var share = 2 * Math.PI * leaves[r] / total;
      place(r, single ? 0 : 1, start, share);
      start += share;
    });
    return positions;
  }

  // --- labels --------------------------------------------------------------------------------------------
  var ranked = [];
  var placed = [];
  function rankLabels() {
    var near = {};
    if (selected && selected.node) {
      near[selected.node] = 2;
      data.edges.forEach(function (e) {
        if (e.from === selected.node) { near[e.to] = 1; }
        if (e.to === selected.node) { near[e.from] = 1; }
      });
    }
    ranked = nodesView.getIds().map(function (id) { return byId[id]; }).sort(function (a, b) {
      return (near[b.id] || 0) - (near[a.id] || 0) || b.degree - a.degree || b.weight - a.weight ||
        (a.id < b.id ? -1 : 1);
    });
  }
  /* Where things are on screen, in 80 px cells: boxes of drawn labels and of nodes. */
  function occupancy() {
    var CELL = 80, grid = {}, labels = [];
    function overlap(a, b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; }
    function keys(box) {
      var out = [];
      for (var gx = Math.floor(box.x / CELL); gx <= Math.floor((box.x + box.w) / CELL); gx++) {
        for (var gy = Math.floor(box.y / CELL); gy <= Math.floor((box.y + box.h) / CELL); gy++) { out.push(gx + ":" + gy); }
      }
      return out;
    }
    return {
      add: function (box) {
        keys(box).forEach(function (key) { (grid[key] = grid[key] || []).push(box); });
        if (!box.node) { labels.push(box); }
      },
      /* Whether a label box would cover something: any label, and any node but its own unless `labelsOnly`. */
      hits: function (box, labelsOnly) {
        if (labelsOnly) { return labels.some(function (o) { return overlap(box, o); }); }
        return keys(box).some(function (key) {
          return (grid[key] || []).some(function (o) { return o.id !== box.id && overlap(box, o); });
        });
      },
      labels: labels
    };
  }
  function nodeBoxes(positions, width, height, taken) {
    var boxes = {};
    ranked.slice(0, 1500).forEach(function (n) {
      if (!positions[n.id]) { return; }
      var bound = network.getBoundingBox(n.id);
      var a = network.canvasToDOM({ x: bound.left, y: bound.top });
      var b = network.canvasToDOM({ x: bound.right, y: bound.bottom });
      boxes[n.id] = { x: a.x, y: a.y, w: b.x - a.x, h: b.y - a.y, id: n.id, node: true };
      if (a.x < width && a.y < height && b.x > 0 && b.y > 0) { taken.add(boxes[n.id]); }
    });
    return boxes;
  }
  function drawLabels(ctx) {
    var ratio = ctx.canvas.width / ctx.canvas.clientWidth || 1;
    var width = ctx.canvas.clientWidth, height = ctx.canvas.clientHeight;
    var positions = network.getPositions(ranked.slice(0, 4000).map(function (n) { return n.id; }));
    var taken = occupancy();
    var discs = nodeBoxes(positions, width, height, taken);  // a label never hides another node
    var centre = network.canvasToDOM({ x: 0, y: 0 });
    function firstFree(spots, box, labelsOnly) {
      for (var s = 0; s < spots.length; s++) {
        var spot = Object.assign({}, box, { x: spots[s][0], y: spots[s][1], covering: labelsOnly });
        var inside = spot.x >= 2 && spot.y >= 2 && spot.x + spot.w <= width - 2 && spot.y + spot.h <= height - 2;
        if (inside && !taken.hits(spot, labelsOnly)) { return spot; }
      }
      return null;
    }
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = LABEL_FONT;
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    for (var i = 0; i < ranked.length && i < 4000 && taken.labels.length < 400; i++) {
      var n = ranked[i];
      if (!positions[n.id]) { continue; }
      var dom = network.canvasToDOM(positions[n.id]);
      if (dom.x < -50 || dom.y < -50 || dom.x > width + 50 || dom.y > height + 50) { continue; }
      var text = shortLabel(n);
      var w = ctx.measureText(text).width + 6, h = LABEL_PX + 5;
      var r = discs[n.id] ? discs[n.id].w / 2 + 2 : 6;
      var spots = [[dom.x + r, dom.y - h / 2], [dom.x - r - w, dom.y - h / 2], [dom.x - w / 2, dom.y + r],
                   [dom.x - w / 2, dom.y - r - h]];
      if (data.layout === "radial" && dom.x < centre.x) { spots = [spots[1], spots[0], spots[2], spots[3]]; }
      var box = { w: w, h: h, id: n.id, text: text, px: LABEL_PX };
      /* A hub in a dense core finds no free spot: its label may then cover small nodes (never a label). */
      box = firstFree(spots, box, false) || (i < MUST_LABEL && firstFree(spots, box, true));
      if (!box) { continue; }
      taken.add(box);
      ctx.strokeStyle = "rgba(255,255,255,0.92)";
      ctx.lineWidth = box.covering ? 6 : 4;
      ctx.strokeText(text, box.x + 3, box.y + h / 2);
      ctx.fillStyle = selected && selected.node === n.id ? "#000" : "#222";
      ctx.fillText(text, box.x + 3, box.y + h / 2);
    }
    ctx.restore();
    placed = taken.labels.map(function (b) { return { x: b.x, y: b.y, w: b.w, h: b.h, id: b.id, text: b.text, px: b.px }; });
  }

  // --- selects and the side panel ------------------------------------------------------------------------
  function fillSelect(id, values, text) {
    var select = document.getElementById(id);
    if (!values.length) { select.parentNode.style.display = "none"; return; }
    values.forEach(function (v) {
      var option = document.createElement("option");
      option.value = String(v);
      option.textContent = text(v);
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      state[id.replace("filter-", "")] = select.value;
      refresh();
    });
  }
  function uniq(lists) {
    var seen = {};
    lists.forEach(function (list) { (list || []).forEach(function (v) { seen[v] = true; }); });
    return Object.keys(seen).sort();
  }
  function relabelSelects() {
    ["filter-topic", "filter-level"].forEach(function (id) {
      var kind = id.replace("filter-", "");
      Array.prototype.forEach.call(document.getElementById(id).options, function (o) {
        if (o.value) { o.textContent = term(kind, o.value); }
      });
    });
  }
  function element(tag, text, cls) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) { el.textContent = text; }
    if (cls) { el.className = cls; }
    return el;
  }
  /* A list of commitments or instruments: only those the topic and year filters keep, with the count
     before filtering beside it ("3 / 45"). */
  function listSection(box, heading, entries) {
    var filtering = Boolean(state.topic || state.year);
    var kept = entries.filter(function (e) { return !filtering || inScope(data.items[e[1]] || {}); });
    box.appendChild(element("h3", heading + " (" + (filtering ? kept.length + " / " : "") + entries.length + ")"));
    var ul = element("ul");
    kept.forEach(function (entry) {
      var item = data.items[entry[1]] || {};
      var li = element("li", (item.clause ? item.clause + " " : "") + itemLabel(entry[1]));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(element("span", "— " + pick(data.roles[entry[2]]), "role"));
      li.title = entry[1];
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }
  function showNode(id) {
    var n = byId[id];
    var box = document.getElementById("details");
    selected = { node: id };
    box.textContent = "";
    box.appendChild(element("h2", label(n, id)));
    box.appendChild(element("p", [term("type", n.type), term("level", n.level), area(n), n.number, n.date]
      .filter(Boolean).join(" · "), "meta"));
    if ((n.topics || []).length) {
      box.appendChild(element("p", ui("topics") + ": " + n.topics.map(function (t) { return term("topic", t); })
        .join(", "), "meta"));
    }
    box.appendChild(element("p", ui("links") + ": " + n.degree, "meta"));
    var entries = data.details[id] || [];
    listSection(box, ui("commitments"), entries.filter(function (e) { return e[0] === "commitment"; }));
    listSection(box, ui("instruments"), entries.filter(function (e) { return e[0] === "instrument"; }));
    box.appendChild(element("p", id, "iri"));
  }
  function showEdge(index) {
    var e = data.edges[index];
    var box = document.getElementById("details");
    selected = { edge: index };
    box.textContent = "";
    box.appendChild(element("h2", itemLabel(e.from) + (data.directed ? " → " : " — ") + itemLabel(e.to)));
    box.appendChild(element("p", ui("weight") + ": " + e.weight, "meta"));
    if (e.relations.length) {
      box.appendChild(element("p", e.relations.map(function (r) { return pick(data.relations[r]) || r; })
        .join(", "), "meta"));
    }
    if (e.topics.length) {
      box.appendChild(element("p", ui("topics") + ": " + e.topics.map(function (t) { return term("topic", t); })
        .join(", "), "meta"));
    }
    if (e.years.length) { box.appendChild(element("p", ui("years") + ": " + e.years.join(", "), "meta")); }
    if (e.programmes.length) {
      box.appendChild(element("h3", ui("instruments")));
      var ul = element("ul");
      e.programmes.filter(function (p) { return !(state.topic || state.year) || inScope(data.items[p] || {}); })
        .forEach(function (p) { ul.appendChild(element("li", itemLabel(p))); });
      box.appendChild(ul);
    }
  }
  function showSelection() {
    if (selected && selected.node) { showNode(selected.node); }
    if (selected && selected.edge !== undefined) { showEdge(selected.edge); }
  }
  function showLegend() {
    var box = document.getElementById("legend");
    box.textContent = "";
    [["type", "fill"], ["level", "border"]].forEach(function (pair) {
      var codes = uniq(data.nodes.map(function (n) { return n[pair[0]] ? [n[pair[0]]] : []; }));
      if (!codes.length) { return; }
      box.appendChild(element("h3", ui(pair[0])));
      var ul = element("ul");
      codes.forEach(function (code) {
        var li = element("li");
        var swatch = element("span", null, "swatch");
        var colour = data.colours[pair[0]][code] || data.colours.unknown;
        if (pair[1] === "fill") { swatch.style.background = colour; } else { swatch.style.borderColor = colour; }
        li.appendChild(swatch);
        li.appendChild(document.createTextNode(term(pair[0], code)));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    });
  }
  function applyLanguage() {
    document.documentElement.lang = lang;
    document.getElementById("title").textContent = pick(data.title);
    document.title = pick(data.title);
    Array.prototype.forEach.call(document.querySelectorAll("[data-vi]"), function (el) {
      el.textContent = el.getAttribute("data-" + lang);
    });
    nodes.update(data.nodes.map(function (n) { return { id: n.id, title: tooltip(n) }; }));
    relabelSelects();
    showLegend();
    showStatus();
    showSelection();
    network.redraw();
  }

  // --- the network ---------------------------------------------------------------------------------------
  fillSelect("filter-topic", uniq(data.edges.map(function (e) { return e.topics; })),
             function (v) { return term("topic", v); });
  fillSelect("filter-year", uniq(data.edges.map(function (e) { return e.years; })),
             function (v) { return v; });
  fillSelect("filter-level", uniq(data.nodes.map(function (n) { return n.level ? [n.level] : []; })),
             function (v) { return term("level", v); });
  var emptyBox = document.getElementById("filter-empty");
  var hidden = tree ? data.nodes.filter(function (n) { return !tree.inhabited[n.id]; }).length : 0;
  if (!hidden) { emptyBox.parentNode.style.display = "none"; }
  emptyBox.addEventListener("change", function () { state.empty = emptyBox.checked; refresh(); });
  recompute();

  var radial = data.layout === "radial";
  var network = new vis.Network(document.getElementById("network"), { nodes: nodesView, edges: edgesView }, {
    nodes: { shape: "dot", scaling: { min: 8, max: 26, label: { enabled: false } } },
    edges: { color: { color: "#a8a8a8", highlight: "#222", hover: "#444" }, smooth: false,
             scaling: { min: 1, max: 7 }, arrows: { to: { scaleFactor: 0.5 } } },
    physics: radial ? false : { solver: "forceAtlas2Based", stabilization: { iterations: 300, updateInterval: 50 },
                                forceAtlas2Based: { gravitationalConstant: -90, springLength: 110, avoidOverlap: 0.5 } },
    layout: { randomSeed: 7, improvedLayout: !radial && data.nodes.length < 100 },
    interaction: { hover: true, tooltipDelay: 150 }
  });
  function fitView() {
    var ids = nodesView.getIds();
    if (!ids.length) { return; }
    network.fit({ nodes: ids, animation: false, maxZoomLevel: 3 });
    network.moveTo({ scale: network.getScale() * 0.85 });  // room for the labels at the edges
  }
  function refresh() {
    recompute();
    if (radial) { placeRadial(); }
    fitView();
    showSelection();
  }
  function placeRadial() {
    var positions = radialPositions();
    Object.keys(positions).forEach(function (id) { network.moveNode(id, positions[id].x, positions[id].y); });
  }
  network.on("afterDrawing", drawLabels);
  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); } else if (params.edges.length) { showEdge(params.edges[0]); }
    rankLabels();
    network.redraw();
  });
  function ready() {
    fitView();
    document.body.setAttribute("data-ready", "1");
  }
  if (radial) {
    placeRadial();
    ready();
  } else {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: false });
      ready();
    });
  }
  document.getElementById("lang").addEventListener("click", function () {
    lang = lang === "vi" ? "en" : "vi";
    applyLanguage();
  });
  applyLanguage();
  window.phoihop = {
    network: network, nodes: nodesView, edges: edgesView, state: state,
    labels: function () { return placed.slice(); },
    tooltip: function (id) { return nodes.get(id).title; },
    setFilter: function (name, value) {
      var select = document.getElementById("filter-" + name);
      select.value = value;
      select.dispatchEvent(new Event("change"));
    }
  };
}());
