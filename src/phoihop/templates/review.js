/* phoihop review page: the text is already marked up (one <mark data-s=span data-f=fact> per span piece);
   this script opens a fact's panel on click, lights up what a fact links to (a commitment's lead, partners,
   addressees and instruments), re-flags facts when the confidence threshold moves, hides kinds, switches
   between Vietnamese and English, and steps through the low-confidence facts. No request is ever made. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("phoihop-data").textContent);
  var lang = "vi";
  var threshold = data.threshold;
  var selected = null;
  var lastChain = [];
  var body = document.body;
  var textBox = document.getElementById("text");
  var panel = document.getElementById("panel");
  var index = document.getElementById("index");
  var status = document.getElementById("status");
  var kindOf = {};
  data.kinds.forEach(function (k) { kindOf[k.code] = k; });

  // marks of each fact, in text order
  var marks = {};
  Array.prototype.forEach.call(textBox.querySelectorAll("mark[data-f]"), function (m) {
    (marks[m.dataset.f] = marks[m.dataset.f] || []).push(m);
  });

  function ui(key) { var s = data.ui[key] || {}; return s[lang] || s.vi || key; }
  function words(w) { return w ? (w[lang] || w.vi || w.en || "") : ""; }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else if (k === "cls") { node.className = attrs[k]; }
      else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }
  function isLow(f) { return f.conf !== null && f.conf < threshold; }
  function chip(kind) {
    var k = kindOf[kind] || {};
    return el("span", { cls: "chip", style: "--c:" + k.colour, text: words(k) });
  }
  function factTitle(fact) {
    var clause = fact.summary.clause ? words(fact.summary.clause[0].label) + " · " : "";
    return clause + words(fact.label);
  }
  function factLink(id, text) {
    return el("a", { cls: "ref", text: text || factTitle(data.facts[id]), "data-goto": String(id) });
  }

  // --- selection -----------------------------------------------------------------------------------------
  function clearMarks() {
    Array.prototype.forEach.call(textBox.querySelectorAll("mark.sel, mark.rel"), function (m) {
      m.classList.remove("sel", "rel", "rel-lead", "rel-partner", "rel-addressee", "rel-instrument", "rel-related");
    });
  }
  function select(id, chain) {
    clearMarks();
    selected = id;
    if (id === null) {
      body.classList.remove("focus");
      status.dataset.selected = "";
      panel.replaceChildren(el("p", { cls: "hint", text: ui("hint") }));
      return;
    }
    var fact = data.facts[id];
    body.classList.add("focus");
    (marks[id] || []).forEach(function (m) { m.classList.add("sel"); });
    Object.keys(fact.related).forEach(function (other) {
      (marks[other] || []).forEach(function (m) { m.classList.add("rel", "rel-" + fact.related[other]); });
    });
    status.dataset.selected = String(id);
    renderPanel(fact, chain || []);
  }
  function reveal(id) {
    var first = (marks[id] || [])[0];
    if (!first) { return; }
    first.scrollIntoView({ block: "center" });
    first.classList.add("flash");
    setTimeout(function () { first.classList.remove("flash"); }, 900);
  }
  function chainAt(target) {
    var chain = [];
    for (var m = target.closest("mark"); m; m = m.parentElement.closest("mark")) {
      var id = Number(m.dataset.f);
      if (!body.classList.contains("hide-" + data.facts[id].kind) && chain.indexOf(id) < 0) { chain.push(id); }
    }
    return chain;
  }
  textBox.addEventListener("click", function (event) {
    var chain = chainAt(event.target);
    if (!chain.length) { select(null); return; }
    var same = chain.length === lastChain.length && chain.every(function (id, i) { return id === lastChain[i]; });
    var at = same ? (chain.indexOf(selected) + 1) % chain.length : 0;  // a second click steps outwards
    lastChain = chain;
    select(chain[at], chain);
  });
  textBox.addEventListener("mouseover", function (event) {  // a tooltip, made when first needed
    var m = event.target.closest("mark");
    if (!m || m.dataset.titled === lang) { return; }
    var fact = data.facts[Number(m.dataset.f)];
    var conf = fact.conf === null ? "" : " (" + fact.conf.toFixed(2) + ")";
    m.title = words(kindOf[fact.kind]) + ": " + factTitle(fact) + conf;
    m.dataset.titled = lang;
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-goto]");
    if (link) { event.preventDefault(); show(Number(link.dataset.goto)); }
    var spanLink = event.target.closest("[data-span]");
    if (spanLink) { event.preventDefault(); revealSpan(Number(spanLink.dataset.span)); }
  });
  function revealSpan(n) {
    var m = textBox.querySelector('mark[data-s="' + n + '"]');
    if (m) { m.scrollIntoView({ block: "center" }); m.classList.add("flash"); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.target.tagName === "INPUT") { return; }
    if (event.key === "Escape") { lastChain = []; select(null); }
    if (event.key === "n") { nextLow(); }
  });

  // --- the panel of one fact -----------------------------------------------------------------------------
  function refNode(ref) {
    if (ref.f !== undefined && ref.f !== null) { return factLink(ref.f, words(ref.label)); }
    var span = el("span", { text: words(ref.label) });
    if (ref.iri) { span.title = ref.iri; }
    return span;
  }
  function refList(refs) {
    if (!refs || !refs.length) { return el("span", { cls: "missing", text: ui("none") }); }
    var wanted = refs.filter(function (r) { return r.lang === lang; });  // a literal in both languages
    var shown = wanted.length ? wanted : refs.filter(function (r) { return !r.lang || r.lang === "vi"; });
    if (!shown.length) { shown = refs; }
    var span = el("span");
    shown.forEach(function (r, i) { if (i) { span.appendChild(document.createTextNode("; ")); } span.appendChild(refNode(r)); });
    return span;
  }
  function confidenceNode(fact) {
    if (fact.conf === null) { return el("span", { cls: "missing", text: ui("curated") }); }
    var meter = el("span", { cls: "meter" + (isLow(fact) ? " low" : "") }, [el("span", { style: "width:" + Math.round(fact.conf * 100) + "%" })]);
    var box = el("span", {}, [meter, document.createTextNode(" " + fact.conf.toFixed(2) + " ")]);
    if (isLow(fact)) { box.appendChild(el("span", { cls: "badge-low", text: ui("low") })); }
    return box;
  }
  function table(pairs) {
    var rows = pairs.map(function (p) { return el("tr", {}, [el("td", { text: p[0] }), el("td", {}, [p[1]])]); });
    return el("table", {}, rows);
  }
  function renderPanel(fact, chain) {
    var parts = [
      el("h2", {}, [chip(fact.kind), document.createTextNode(" " + factTitle(fact))]),
      el("div", { cls: "iri", text: fact.iri }),
      table([[ui("confidence"), confidenceNode(fact)], [ui("type"), el("span", { text: words(fact.type) })]])
    ];
    var summary = [];
    ["clause", "action"].forEach(function (k) { if (fact.summary[k]) { summary.push([ui(k), refList(fact.summary[k])]); } });
    var isTask = fact.kind === "commitment";
    ["lead", "partner", "addressee", "instrument"].forEach(function (k) {
      if (isTask || fact.roles[k]) { summary.push([ui(k), refList(fact.roles[k])]); }
    });
    ["status", "frequency", "target", "period"].forEach(function (k) {
      if (isTask || fact.summary[k]) { summary.push([ui(k), refList(fact.summary[k])]); }
    });
    if (summary.length) { parts.push(table(summary)); }
    parts.push(el("h3", { text: ui("triples") }));
    parts.push(table(fact.rows.map(function (row) { return [words(row.p), refList(row.values)]; })));
    parts.push(el("h3", { text: ui("evidence") }));
    parts.push(el("ul", {}, fact.spans.map(function (n) {
      var s = data.spans[n];
      var quote = textBox.querySelector('mark[data-s="' + n + '"]');
      var item = el("li", {}, [el("a", { cls: "span-link", "data-span": String(n), text: s.start + "–" + s.end }),
        document.createTextNode(s.conf === null ? " " : " (" + s.conf.toFixed(2) + ") "),
        el("span", { cls: "quote", text: "“" + spanText(n, quote) + "”" })]);
      if (s.quote_ok === false) { item.appendChild(el("span", { cls: "bad", text: " ⚠ " + ui("quote_mismatch") })); }
      return item;
    })));
    if (fact.referenced_by.length) {
      parts.push(el("h3", { text: ui("referenced_by") }));
      parts.push(el("ul", {}, fact.referenced_by.map(function (id) { return el("li", {}, [chip(data.facts[id].kind), document.createTextNode(" "), factLink(id)]); })));
    }
    var others = chain.filter(function (id) { return id !== fact.id; });
    if (others.length) {
      parts.push(el("h3", { text: ui("also_here") }));
      parts.push(el("ul", {}, others.map(function (id) { return el("li", {}, [chip(data.facts[id].kind), document.createTextNode(" "), factLink(id)]); })));
    }
    panel.replaceChildren.apply(panel, parts);
  }
  function spanText(n, firstPiece) {
    var pieces = textBox.querySelectorAll('mark[data-s="' + n + '"]');
    var text = Array.prototype.map.call(pieces, function (m) { return m.textContent; }).join("");
    return text || (firstPiece ? firstPiece.textContent : "");
  }

  // --- the index of all facts ----------------------------------------------------------------------------
  function renderIndex() {
    var groups = [];
    data.kinds.forEach(function (k) {
      var facts = data.facts.filter(function (f) { return f.kind === k.code && f.spans.length; });
      if (!facts.length) { return; }
      var list = el("ul", {}, facts.map(function (f) {
        return el("li", { cls: isLow(f) ? "low" : "" }, [factLink(f.id)]);
      }));
      groups.push(el("details", { open: "" }, [el("summary", {}, [chip(k.code), document.createTextNode(" " + facts.length)]), list]));
    });
    var bare = data.facts.filter(function (f) { return !f.spans.length; });
    if (bare.length) {
      groups.push(el("details", {}, [el("summary", { text: ui("no_span") + " (" + bare.length + ")" }),
        el("ul", {}, bare.map(function (f) { return el("li", {}, [chip(f.kind), document.createTextNode(" " + words(f.label))]); }))]));
    }
    index.replaceChildren.apply(index, [el("h2", { text: ui("facts") })].concat(groups));
  }

  // --- controls ------------------------------------------------------------------------------------------
  function applyThreshold() {
    var low = 0;
    data.facts.forEach(function (f) {
      var flag = isLow(f);
      if (flag) { low++; }
      (marks[f.id] || []).forEach(function (m) { m.classList.toggle("low", flag); });
    });
    document.getElementById("threshold-value").textContent = threshold.toFixed(2);
    status.dataset.low = String(low);
    updateStatus();
  }
  function updateStatus() {
    var withSpans = data.facts.filter(function (f) { return f.spans.length; }).length;
    status.dataset.facts = String(withSpans);
    status.dataset.spans = String(data.spans.length);
    status.textContent = withSpans + " " + ui("facts").toLowerCase() + " · " + data.spans.length + " " + ui("spans") +
      " · " + status.dataset.low + " " + ui("low");
  }
  var lowCursor = -1;
  function nextLow() {
    var low = data.facts.filter(function (f) { return isLow(f) && f.spans.length; });
    if (!low.length) { return; }
    lowCursor = (lowCursor + 1) % low.length;
    show(low[lowCursor].id);
  }
  function buildKinds() {
    var box = document.getElementById("kinds");
    box.replaceChildren();
    data.kinds.forEach(function (k) {
      var count = data.facts.filter(function (f) { return f.kind === k.code && f.spans.length; }).length;
      if (!count) { return; }
      var input = el("input", { type: "checkbox", "data-kind": k.code });
      input.checked = !body.classList.contains("hide-" + k.code);
      input.addEventListener("change", function () { body.classList.toggle("hide-" + k.code, !input.checked); });
      box.appendChild(el("label", { style: "--c:" + k.colour }, [input, el("span", { cls: "swatch" }),
        document.createTextNode(" " + words(k) + " " + count)]));
    });
  }
  function renderProblems() {
    var box = document.getElementById("problems");
    if (!data.problems.length) { box.hidden = true; return; }
    box.hidden = false;
    box.replaceChildren(el("strong", { text: ui("problems") + " (" + data.problems.length + ")" }),
      el("ul", {}, data.problems.map(function (p) { return el("li", { text: p }); })));
  }
  function applyLanguage() {
    body.dataset.lang = lang;
    document.documentElement.lang = lang;
    document.getElementById("lang").textContent = ui("lang");
    document.getElementById("next-low").textContent = ui("next_low");
    Array.prototype.forEach.call(document.querySelectorAll("[data-ui]"), function (node) { node.textContent = ui(node.dataset.ui); });
    var source = data.source;
    document.getElementById("title").replaceChildren(document.createTextNode(ui("title") + ": " + (source.file || source.text) + " "),
      el("small", { text: source.title || "" }));
    buildKinds();
    updateStatus();
    renderIndex();
    renderProblems();
    if (selected === null) { select(null); } else { select(selected, lastChain); }
  }
  document.getElementById("lang").addEventListener("click", function () { lang = lang === "vi" ? "en" : "vi"; applyLanguage(); });
  document.getElementById("next-low").addEventListener("click", nextLow);
  document.getElementById("tags").addEventListener("change", function (e) { body.classList.toggle("tags", e.target.checked); });
  var slider = document.getElementById("threshold");
  slider.value = String(threshold);
  slider.addEventListener("input", function () {
    threshold = Number(slider.value);
    applyThreshold();
    renderIndex();
    if (selected !== null) { renderPanel(data.facts[selected], lastChain); }
  });

  function show(id) { lastChain = []; select(id); reveal(id); }
  window.phoihop = { data: data, select: select, show: show, marks: marks };
  applyThreshold();
  applyLanguage();
  body.dataset.ready = "1";
})();
