/* phoihop interactive network page: draws the embedded graph with vis-network (inlined from the pyvis
   package), filters it by topic, year and level, switches labels between Vietnamese and English, and shows
   a node's commitments and instruments on click. Everything it needs is in this one file: no requests. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("phoihop-data").textContent);
  var lang = "vi";
  var state = { topic: "", year: "", level: "" };
  var selected = null;
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

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
  function itemLabel(iri) { return label(data.items[iri] || byId[iri] || {}, iri); }
  function tooltip(n) {
    return label(n, n.id) + "\n" + [term("type", n.type), term("level", n.level), n.area]
      .filter(Boolean).join(" · ");
  }
  function visNode(n) {
    return {
      id: n.id, label: label(n, n.id), value: n.degree + 1, title: tooltip(n), borderWidth: 3,
      color: { background: n.fill, border: n.border, highlight: { background: n.fill, border: "#000" },
               hover: { background: n.fill, border: "#000" } }
    };
  }

  var nodes = new vis.DataSet(data.nodes.map(visNode));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    return { id: i, from: e.from, to: e.to, value: e.weight, arrows: data.directed ? "to" : "" };
  }));
  var visibleNodes = {};
  var visibleEdges = {};
  var nodesView = new vis.DataView(nodes, { filter: function (n) { return visibleNodes[n.id] === true; } });
  var edgesView = new vis.DataView(edges, { filter: function (e) { return visibleEdges[e.id] === true; } });

  function levelMatches(n) { return !state.level || (n && n.level === state.level); }
  function edgeMatches(e) {
    if (state.topic && e.topics.indexOf(state.topic) < 0) { return false; }
    return !(state.year && e.years.indexOf(Number(state.year)) < 0);
  }
  function recompute() {
    var filtering = Boolean(state.topic || state.year);
    visibleNodes = {};
    visibleEdges = {};
    data.edges.forEach(function (e, i) {
      if (levelMatches(byId[e.from]) && levelMatches(byId[e.to]) && (!filtering || edgeMatches(e))) {
        visibleEdges[i] = true;
        visibleNodes[e.from] = true;
        visibleNodes[e.to] = true;
      }
    });
    if (!filtering) {
      data.nodes.forEach(function (n) { if (levelMatches(n)) { visibleNodes[n.id] = true; } });
    }
    nodesView.refresh();
    edgesView.refresh();
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
      recompute();
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
  function ui(key) { return pick(data.ui[key]) || key; }
  function listSection(box, heading, entries) {
    box.appendChild(element("h3", heading + " (" + entries.length + ")"));
    var ul = element("ul");
    entries.forEach(function (entry) {
      var li = element("li", itemLabel(entry[1]));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(element("span", "— " + pick(data.roles[entry[2]]), "role"));
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
    box.appendChild(element("p", [term("type", n.type), term("level", n.level), n.area, n.number, n.date]
      .filter(Boolean).join(" · "), "meta"));
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
    if (e.relations.length) { box.appendChild(element("p", e.relations.join(", "), "meta")); }
    if (e.topics.length) {
      box.appendChild(element("p", ui("topics") + ": " + e.topics.map(function (t) { return term("topic", t); })
        .join(", "), "meta"));
    }
    if (e.years.length) { box.appendChild(element("p", ui("years") + ": " + e.years.join(", "), "meta")); }
    if (e.programmes.length) {
      box.appendChild(element("h3", ui("instruments")));
      var ul = element("ul");
      e.programmes.forEach(function (p) { ul.appendChild(element("li", itemLabel(p))); });
      box.appendChild(ul);
    }
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
    nodes.update(data.nodes.map(function (n) { return { id: n.id, label: label(n, n.id), title: tooltip(n) }; }));
    relabelSelects();
    showLegend();
    showStatus();
    if (selected && selected.node) { showNode(selected.node); }
    if (selected && selected.edge !== undefined) { showEdge(selected.edge); }
  }

  fillSelect("filter-topic", uniq(data.edges.map(function (e) { return e.topics; })),
             function (v) { return term("topic", v); });
  fillSelect("filter-year", uniq(data.edges.map(function (e) { return e.years; })),
             function (v) { return v; });
  fillSelect("filter-level", uniq(data.nodes.map(function (n) { return n.level ? [n.level] : []; })),
             function (v) { return term("level", v); });
  recompute();

  var network = new vis.Network(document.getElementById("network"), { nodes: nodesView, edges: edgesView }, {
    nodes: { shape: "dot", font: { size: 13, face: "DejaVu Sans, Arial, sans-serif" },
             scaling: { min: 9, max: 26, label: { enabled: true, min: 11, max: 15 } } },
    edges: { color: { color: "#9a9a9a", highlight: "#222", hover: "#444" }, smooth: false,
             scaling: { min: 1, max: 7 } },
    physics: { solver: "forceAtlas2Based", stabilization: { iterations: 300, updateInterval: 50 },
               forceAtlas2Based: { gravitationalConstant: -90, springLength: 110, avoidOverlap: 0.5 } },
    layout: { randomSeed: 7, improvedLayout: data.nodes.length < 100 },
    interaction: { hover: true, tooltipDelay: 150 }
  });
  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); } else if (params.edges.length) { showEdge(params.edges[0]); }
  });
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: false });
    network.fit();
    document.body.setAttribute("data-ready", "1");
  });
  document.getElementById("lang").addEventListener("click", function () {
    lang = lang === "vi" ? "en" : "vi";
    applyLanguage();
  });
  applyLanguage();
  window.phoihop = { network: network, nodes: nodesView, edges: edgesView, state: state };
}());
