/* phoihop query page: YASGUI's editor (Yasqe: SPARQL highlighting, syntax check, completion) and result
   viewer (Yasr: a paged table, the raw response, and our chart of counts), the library of named queries
   with their parameters, and one-line errors. Completion uses the project's own prefixes and ontology, and
   IRIs in results open a local query about them: nothing is fetched but this server's /queries and
   /sparql. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("phoihop-config").textContent);
  var Yasqe = Yasgui.Yasqe;
  var Yasr = Yasgui.Yasr;
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger"]
    .map(function (t) { return XSD + t; });
  var $ = function (id) { return document.getElementById(id); };
  var loaded = null;  // the named query in the editor: {query, text as last bound}

  // --- completion from our own prefixes, classes and properties (YASGUI would ask prefix.cc and LOV) ------
  var prefixLines = Object.keys(config.prefixes).sort().map(function (p) {
    return p + ": <" + config.prefixes[p] + ">";
  });
  function local(list) { return function () { return Promise.resolve(list.slice()); }; }
  Yasqe.forkAutocompleter("prefixes", { name: "phoihop-prefixes", get: local(prefixLines), persistenceId: null }, false);
  Yasqe.forkAutocompleter("class", { name: "phoihop-classes", bulk: true, get: local(config.terms["class"]),
                                      persistenceId: null }, false);
  Yasqe.forkAutocompleter("property", { name: "phoihop-properties", bulk: true, get: local(config.terms.property),
                                         persistenceId: null }, false);

  // --- results: language tags and datatypes as badges; our IRIs open a local query -------------------------
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function compact(iri) {
    var best = null;
    Object.keys(config.prefixes).forEach(function (p) {
      var ns = config.prefixes[p];
      if (iri.indexOf(ns) === 0 && (!best || ns.length > config.prefixes[best].length)) { best = p; }
    });
    return best ? best + ":" + iri.slice(config.prefixes[best].length) : iri;
  }
  var Table = Yasr.plugins.table;
  class PhoihopTable extends Table {
    formatLiteral(binding) {
      var text = escapeHtml(binding.value);
      if (binding["xml:lang"]) {
        return text + "<span class='lang-badge' title='language'>" + escapeHtml(binding["xml:lang"]) + "</span>";
      }
      if (binding.datatype && NUMERIC.indexOf(binding.datatype) < 0 && binding.datatype !== XSD + "string") {
        return text + "<span class='type-badge' title='" + escapeHtml(binding.datatype) + "'>" +
          escapeHtml(compact(binding.datatype).replace(/^xsd:/, "")) + "</span>";
      }
      return text;
    }
    getUriLinkFromBinding(binding) {
      return "<a class='iri' href='#about=" + encodeURIComponent(binding.value) + "' title='" +
        escapeHtml(binding.value) + "'>" + escapeHtml(compact(binding.value)) + "</a>";
    }
  }
  Yasr.registerPlugin("table", PhoihopTable);

  /* A bar chart of the first numeric column against the first other column, for counts
     ("how many commitments per topic"); offered only when the answer has such columns. */
  class ChartPlugin {
    constructor(yasr) { this.yasr = yasr; this.priority = 5; this.label = "Chart"; }
    columns() {
      var results = this.yasr.results;
      if (!results || results.getType() !== "json" || !results.getBindings) { return null; }
      var vars = results.getVariables(), rows = results.getBindings();
      if (!rows.length) { return null; }
      var numeric = vars.filter(function (v) {
        return rows.every(function (r) { return !r[v] || NUMERIC.indexOf(r[v].datatype) >= 0; }) &&
          rows.some(function (r) { return r[v]; });
      });
      var labels = vars.filter(function (v) { return numeric.indexOf(v) < 0; });
      return numeric.length && labels.length ? { value: numeric[0], label: labels[labels.length > 1 &&
        rows[0][labels[0]] && rows[0][labels[0]].type === "uri" ? 1 : 0] } : null;
    }
    canHandleResults() { return Boolean(this.columns()); }
    getIcon() {
      var icon = document.createElement("span");
      icon.textContent = "▇";
      return icon;
    }
    draw() {
      var cols = this.columns();
      var rows = this.yasr.results.getBindings().slice(0, 40);
      var values = rows.map(function (r) { return r[cols.value] ? Number(r[cols.value].value) : 0; });
      var max = Math.max.apply(null, values.concat([1]));
      var names = rows.map(function (r) {
        var b = r[cols.label];
        return b ? (b.type === "uri" ? compact(b.value) : b.value) : "";
      });
      var labelWidth = Math.min(360, 7 * Math.max.apply(null, names.map(function (n) { return n.length; })) + 10);
      var bar = 20, width = labelWidth + 420, height = rows.length * bar + 10;
      var svg = ["<svg class='phoihop-chart' xmlns='http://www.w3.org/2000/svg' width='" + width + "' height='" +
                 height + "' role='img' aria-label='" + escapeHtml(cols.value + " by " + cols.label) + "'>"];
      rows.forEach(function (r, i) {
        var y = 5 + i * bar, w = Math.max(1, 360 * values[i] / max);
        svg.push("<text class='label' x='" + (labelWidth - 6) + "' y='" + (y + 14) + "' text-anchor='end'>" +
                 escapeHtml(names[i].length > 52 ? names[i].slice(0, 51) + "…" : names[i]) + "</text>");
        svg.push("<rect x='" + labelWidth + "' y='" + (y + 3) + "' width='" + w + "' height='" + (bar - 6) + "'/>");
        svg.push("<text class='value' x='" + (labelWidth + w + 5) + "' y='" + (y + 14) + "'>" + values[i] + "</text>");
      });
      svg.push("</svg>");
      var box = document.createElement("div");
      box.innerHTML = svg.join("");
      this.yasr.resultsEl.appendChild(box);
    }
  }
  Yasr.registerPlugin("chart", ChartPlugin);

  var yasqe = new Yasqe($("editor"), {
    persistenceId: null, showQueryButton: false, resizeable: true, editorHeight: "260px",
    createShareableLink: null, createShortLink: null,
    autocompleters: ["variables", "phoihop-prefixes", "phoihop-classes", "phoihop-properties"],
    value: "PREFIX ph: <https://w3id.org/phoihop/ontology#>\n" +
      "SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 20"
  });
  var yasr = new Yasr($("results"), {
    persistenceId: null, prefixes: config.prefixes, pluginOrder: ["table", "chart", "response"],
    defaultPlugin: "table", plugins: { table: { dynamicConfig: { pageSize: 50, isEllipsed: false } } }
  });

  // --- running a query ------------------------------------------------------------------------------------
  function status(text, error) {
    var box = $("status");
    box.className = error ? "error" : "";
    box.textContent = text;
    box.title = error ? text : "";
  }
  /* The server's message in one line (a parser error can span several), with the HTTP status. */
  function oneLine(code, text) {
    return code + ": " + text.replace(/\s+/g, " ").trim();
  }
  function form(text) {
    var code = text.replace(/#[^\n]*/g, " ").replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>\s]*>/g, " ");
    var match = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(code);
    return match ? match[1].toUpperCase() : "SELECT";
  }
  function run() {
    var text = yasqe.getValue();
    var graph = /CONSTRUCT|DESCRIBE/.test(form(text));
    var accept = graph ? "text/turtle" : "application/sparql-results+json";
    var started = performance.now();
    status("Running… · Đang chạy…");
    return fetch("sparql", { method: "POST", headers: { "Content-Type": "application/sparql-query", "Accept": accept },
                             body: text })
      .then(function (response) {
        return response.text().then(function (body) {
          var ms = Math.round(performance.now() - started);
          $("results").hidden = !response.ok;  // no stale answer under an error
          if (!response.ok) {
            status(oneLine(response.status, body), true);
            return;
          }
          yasr.setResponse({ data: body, contentType: accept, status: response.status, executionTime: ms }, ms);
          var count = graph ? (body.match(/ \.\s*$/mg) || []).length : countRows(body);
          status(graph ? "answered in " + ms + " ms" : count + (count === 1 ? " row" : " rows") + " · " + ms + " ms");
        });
      })
      .catch(function (err) { status(oneLine("error", String(err)), true); });
  }
  function countRows(body) {
    try {
      var doc = JSON.parse(body);
      return "boolean" in doc ? 1 : doc.results.bindings.length;
    } catch (err) { return 0; }
  }
  yasqe.query = run;  // Ctrl+Enter and YASGUI's own controls run through us
  $("run").addEventListener("click", run);

  // --- named queries and their parameters -----------------------------------------------------------------
  var termSyntax = {
    "iri": function (v) {
      var iri = v.trim().replace(/^<(.*)>$/, "$1");
      var m = /^([A-Za-z][\w-]*):(?!\/\/)(.*)$/.exec(iri);
      if (m && config.prefixes[m[1]]) { iri = config.prefixes[m[1]] + m[2]; }
      if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(iri) || /[<>"{}|^`\\\s]/.test(iri)) { throw new Error("not an IRI"); }
      return "<" + iri + ">";
    },
    "xsd:integer": function (v) {
      if (!/^\s*[+-]?\d+\s*$/.test(v)) { throw new Error("not an integer"); }
      return '"' + String(parseInt(v, 10)) + '"^^<' + XSD + "integer>";
    },
    "xsd:decimal": function (v) {
      if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(v)) { throw new Error("not a decimal"); }
      return '"' + v.trim() + '"^^<' + XSD + "decimal>";
    },
    "xsd:date": function (v) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v.trim()) || isNaN(Date.parse(v.trim()))) { throw new Error("not a date"); }
      return '"' + v.trim() + '"^^<' + XSD + "date>";
    },
    "xsd:boolean": function (v) {
      var word = { "true": "true", "1": "true", "false": "false", "0": "false" }[v.trim().toLowerCase()];
      if (!word) { throw new Error("not true or false"); }
      return '"' + word + '"^^<' + XSD + "boolean>";
    },
    "xsd:string": function (v) {
      return '"' + v.replace(/[\\"\n\r\t]/g, function (c) {
        return { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" }[c];
      }) + '"';
    }
  };
  /* The query's text with each parameter's `VALUES ?name { … }` lists set to the typed, escaped value
     (as phoihop.query.bind does for the command line). */
  function bind(query, values) {
    var text = query.text;
    query.parameters.forEach(function (p) {
      var term = termSyntax[p.type](values[p.name]);
      var clause = new RegExp("(VALUES\\s+\\?" + p.name.replace(/[-]/g, "\\-") +
        "\\s*\\{)((?:[^{}\"']|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')*)(\\})", "gi");
      text = text.replace(clause, function (_, open, __, close) { return open + " " + term + " " + close; });
    });
    return text;
  }
  function showQuestion(query) {
    var box = $("question");
    box.className = "";
    box.textContent = "";
    [["en", query.title ? query.title + ": " + query.question : query.question], ["vi", query.question_vi]]
      .forEach(function (pair) {
        if (!pair[1]) { return; }
        var p = document.createElement("p");
        p.className = pair[0];
        p.lang = pair[0];
        p.textContent = pair[1];
        box.appendChild(p);
      });
  }
  function parameterForm(query) {
    var formEl = $("parameters");
    formEl.textContent = "";
    formEl.hidden = !query.parameters.length;
    query.parameters.forEach(function (p) {
      var label = document.createElement("label");
      label.appendChild(document.createTextNode(p.name));
      var input = document.createElement("input");
      input.name = p.name;
      input.value = p.default;
      input.setAttribute("data-type", p.type);
      input.addEventListener("input", rebind);
      label.appendChild(input);
      var type = document.createElement("span");
      type.className = "type";
      type.textContent = p.type;
      label.appendChild(type);
      formEl.appendChild(label);
    });
  }
  function rebind() {
    if (!loaded) { return; }
    var values = {}, ok = true;
    Array.prototype.forEach.call($("parameters").elements, function (input) {
      values[input.name] = input.value;
      try { termSyntax[input.getAttribute("data-type")](input.value); input.className = ""; } catch (err) {
        input.className = "invalid";
        input.title = err.message;
        ok = false;
      }
    });
    if (!ok) { return; }
    loaded.text = bind(loaded.query, values);
    yasqe.setValue(loaded.text);
    $("question").className = "";
  }
  function load(query, button) {
    Array.prototype.forEach.call($("queries").querySelectorAll("button"), function (b) {
      b.classList.toggle("current", b === button);
    });
    loaded = { query: query, text: query.text };
    showQuestion(query);
    parameterForm(query);
    yasqe.setValue(query.text);
    rebind();
    status("");
  }
  yasqe.on("change", function () {  // an edited query no longer answers the question shown above it
    if (loaded) { $("question").classList.toggle("edited", yasqe.getValue() !== loaded.text); }
  });
  function listQueries(queries) {
    var list = $("queries");
    list.textContent = "";
    queries.forEach(function (q) {
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-query", q.name);
      button.className = q.name.indexOf("checks/") === 0 ? "check" : "";
      var strong = document.createElement("strong");
      strong.textContent = q.title || q.name;
      var vi = document.createElement("span");
      vi.className = "vi";
      vi.lang = "vi";
      vi.textContent = q.question_vi || "";
      button.appendChild(strong);
      button.appendChild(document.createElement("br"));
      button.appendChild(vi);
      button.title = q.name;
      button.addEventListener("click", function () { load(q, button); });
      list.appendChild(button);
    });
    $("search").addEventListener("input", function () {
      var needle = $("search").value.toLowerCase();
      Array.prototype.forEach.call(list.children, function (b) {
        b.hidden = needle && b.textContent.toLowerCase().indexOf(needle) < 0 && b.title.indexOf(needle) < 0;
      });
    });
  }

  // --- "#about=<iri>": what the graph says about one node ---------------------------------------------------
  function about() {
    var m = /^#about=(.+)$/.exec(window.location.hash);
    if (!m) { return; }
    var iri = decodeURIComponent(m[1]);
    if (/[<>"{}|^`\\\s]/.test(iri)) { return; }
    loaded = null;
    $("question").className = "";
    $("question").innerHTML = "<p class='en'></p>";
    $("question").firstChild.textContent = "What the graph says about " + compact(iri) + " · Đồ thị nói gì về nút này";
    $("parameters").hidden = true;
    yasqe.setValue("SELECT ?property ?value ?direction WHERE {\n  { <" + iri + "> ?property ?value BIND (\"out\" AS ?direction) }\n" +
                   "  UNION { ?value ?property <" + iri + "> BIND (\"in\" AS ?direction) }\n} ORDER BY ?direction ?property LIMIT 500");
    run();
  }
  window.addEventListener("hashchange", about);

  fetch("queries").then(function (r) { return r.json(); }).then(function (queries) {
    listQueries(queries);
    about();
    document.body.setAttribute("data-ready", "1");
  }).catch(function (err) {
    $("queries").textContent = "Could not load the named queries: " + err;
    document.body.setAttribute("data-ready", "1");
  });
  window.phoihop = { yasqe: yasqe, yasr: yasr, run: run, bind: bind };
}());
