/* The SPARQL editor: YASGUI (@zazuko/yasgui, served from this site) configured for this
   graph. Without this script (or without YASGUI) the page's plain form does the same work.
   Everything it asks goes to this site's own /sparql: prefixes come from the page,
   classes and properties from the graph, labels of the IRIs in a result too. */
(function () {
  "use strict";
  var host = document.getElementById("yasgui");
  if (!host || !host.dataset.config || typeof Yasgui === "undefined") return;

  var cfg = JSON.parse(host.dataset.config);
  var T = cfg.texts;
  var endpoint = window.location.origin + cfg.endpoint;
  var Yasqe = Yasgui.Yasqe;
  var Yasr = Yasgui.Yasr;
  var plain = document.getElementById("plain-editor");
  var serverAnswer = document.getElementById("server-answer");
  var tools = document.getElementById("editor-tools");

  function select(query) {
    return fetch(endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/sparql-results+json",
      },
      body: "query=" + encodeURIComponent(query),
    }).then(function (r) {
      return r.ok ? r.json() : { results: { bindings: [] } };
    });
  }

  function column(query, name) {
    return select(query).then(function (doc) {
      return doc.results.bindings
        .map(function (b) {
          return b[name] && b[name].value;
        })
        .filter(Boolean);
    });
  }

  // Autocompletion from this graph: its prefixes, its classes, its properties.
  var prefixList = Object.keys(cfg.prefixes).map(function (p) {
    return p + ": <" + cfg.prefixes[p] + ">";
  });
  Yasqe.forkAutocompleter("prefixes", {
    name: "graphPrefixes",
    persistenceId: null,
    get: function () {
      return prefixList;
    },
  });
  Yasqe.forkAutocompleter("class", {
    name: "graphClasses",
    bulk: true,
    persistenceId: null,
    get: function () {
      return column(cfg.classesQuery, "class");
    },
  });
  Yasqe.forkAutocompleter("property", {
    name: "graphProperties",
    bulk: true,
    persistenceId: null,
    get: function () {
      return column(cfg.propertiesQuery, "property");
    },
  });
  Yasqe.defaults.autocompleters = ["variables", "graphPrefixes", "graphClasses", "graphProperties"];

  // The result table: links to this site's pages, in the page's language.
  var table = Yasr.plugins.table.defaults;
  table.openIriInNewWindow = false;
  table.tableConfig.language = {
    search: T.dt_search,
    lengthMenu: T.dt_length,
    info: T.dt_info,
    infoEmpty: T.dt_info_empty,
    infoFiltered: T.dt_info_filtered,
    zeroRecords: T.dt_zero,
    paginate: { first: "«", last: "»", next: T.next, previous: T.previous },
    aria: { paginate: { next: T.next, previous: T.previous } }, // the names say what is seen
  };

  var errorMarks = [];
  function clearErrorMarks() {
    errorMarks.forEach(function (m) {
      m.clear();
    });
    errorMarks = [];
  }

  function markError(yasqe, line, col, message) {
    clearErrorMarks();
    var l = Math.max(0, Math.min(line - 1, yasqe.lineCount() - 1));
    var text = yasqe.getLine(l) || "";
    var from = Math.max(0, Math.min(col - 1, text.length - 1));
    var token = yasqe.getTokenAt({ line: l, ch: from + 1 });
    var to = token && token.end > from ? token.end : Math.min(text.length, from + 1);
    errorMarks.push(
      yasqe.markText({ line: l, ch: from }, { line: l, ch: Math.max(to, from + 1) }, {
        className: "kg-error-mark",
        attributes: { title: message, "data-line": String(line), "data-column": String(col) },
      })
    );
    var handle = yasqe.addLineClass(l, "wrap", "kg-error-line");
    errorMarks.push({
      clear: function () {
        yasqe.removeLineClass(handle, "wrap", "kg-error-line");
      },
    });
    var onChange = function () {
      yasqe.off("change", onChange);
      clearErrorMarks();
    };
    yasqe.on("change", onChange);
  }

  function renderError(error) {
    var info = null;
    try {
      info = JSON.parse(error.text);
    } catch (e) {
      info = null;
    }
    var box = document.createElement("div");
    box.className = "kg-query-error";
    box.setAttribute("role", "alert");
    var heading = document.createElement("strong");
    heading.textContent = info && info.line ? T.syntax_error : T.query_failed;
    box.appendChild(heading);
    var p = document.createElement("p");
    var explained = info && info.explained && info.explained[cfg.lang];
    p.textContent = explained || (info ? info.error : error.text || error.statusText || "");
    if (!explained) p.lang = "en";
    box.appendChild(p);
    if (info && info.line) {
      var tab = yasgui.getTab();
      if (tab) markError(tab.getYasqe(), info.line, info.column, p.textContent);
    }
    return Promise.resolve(box);
  }

  function shareLink(query) {
    return window.location.origin + "/sparql?query=" + encodeURIComponent(query);
  }

  Yasr.defaults.errorRenderers = [renderError]; // each tab's YASR takes the defaults

  var fromServer = plain ? plain.querySelector("textarea").value.trim() : "";
  var yasgui = new Yasgui(host, {
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    tabName: T.editor_tab,
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
      keys: [],
    },
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      // JSON errors carry the line and column of a syntax error
      acceptHeaderSelect: "application/sparql-results+json,application/json;q=0.1",
      acceptHeaderGraph: "text/turtle,application/json;q=0.1",
    },
    yasqe: {
      value: fromServer || cfg.startQuery,
      persistenceId: null,
      resizeable: true,
      editorHeight: "320px",
      createShareableLink: function (yasqe) {
        return shareLink(yasqe.getValue());
      },
    },
    yasr: {
      prefixes: cfg.prefixes,
      defaultPlugin: "table",
      persistenceId: null,
      maxPersistentResponseSize: 0,
    },
  });

  host.hidden = false;
  if (plain) plain.hidden = true;
  if (serverAnswer) serverAnswer.hidden = true;
  document.getElementById("editor-help").hidden = false;

  // IRIs in the table: this site's pages, shown by their labels (prefixed name as title).
  var labels = {};
  var pending = {};
  var timer = null;
  function pickLabel(rows) {
    var best = null;
    rows.forEach(function (b) {
      var lang = b.l["xml:lang"] || "";
      var score = lang === cfg.lang ? 3 : lang === "" ? 2 : 1;
      if (!best || score > best.score) best = { score: score, text: b.l.value };
    });
    return best && best.text;
  }
  function fetchLabels() {
    timer = null;
    var iris = Object.keys(pending).slice(0, 200);
    iris.forEach(function (i) {
      delete pending[i];
    });
    if (!iris.length) return;
    var values = iris.map(function (i) {
      return "<" + i + ">";
    });
    var props = cfg.labelProperties.map(function (p) {
      return "<" + p + ">";
    });
    var q =
      "SELECT ?s ?l WHERE { VALUES ?s { " + values.join(" ") + " } VALUES ?p { " +
      props.join(" ") + " } ?s ?p ?l }";
    select(q).then(function (doc) {
      var by = {};
      doc.results.bindings.forEach(function (b) {
        (by[b.s.value] = by[b.s.value] || []).push(b);
      });
      iris.forEach(function (i) {
        labels[i] = (by[i] && pickLabel(by[i])) || null;
      });
      host.querySelectorAll("a.iri[data-iri]").forEach(applyLabel);
    });
  }
  function applyLabel(a) {
    var label = labels[a.getAttribute("data-iri")];
    if (label && a.textContent !== label) {
      a.title = a.textContent;
      a.textContent = label;
      // a label stands alone: no <...> around it
      var before = a.previousSibling;
      var after = a.nextSibling;
      if (before && before.nodeType === 3) before.textContent = before.textContent.replace(/<$/, "");
      if (after && after.nodeType === 3) after.textContent = after.textContent.replace(/^>/, "");
    }
  }
  function linkIri(a) {
    if (a.hasAttribute("data-iri")) return;
    var iri = a.getAttribute("href") || "";
    a.setAttribute("data-iri", iri);
    a.removeAttribute("target");
    if (iri.indexOf(cfg.baseIri) === 0) a.setAttribute("href", "/" + iri.slice(cfg.baseIri.length));
    if (iri in labels) applyLabel(a);
    else {
      pending[iri] = true;
      if (!timer) timer = setTimeout(fetchLabels, 0);
    }
  }
  // What YASGUI draws without a name gets one (WCAG: every control is labelled).
  function nameControls() {
    host.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", T.query);
    });
    host.querySelectorAll("select.tableSizer:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", T.rows_per_page);
    });
  }
  new MutationObserver(function () {
    host.querySelectorAll(".yasr a.iri:not([data-iri])").forEach(linkIri);
    nameControls();
  }).observe(host, { childList: true, subtree: true });
  nameControls();

  document.getElementById("new-tab").addEventListener("click", function () {
    yasgui.addTab(true, { yasqe: { value: cfg.startQuery } });
  });

  // Downloads in every format of the query's kind, and a link to share the query.
  function updateTools(tab) {
    var yasqe = tab.getYasqe();
    var query = yasqe.getValue();
    var type = (yasqe.getQueryType() || "SELECT").toUpperCase();
    var kind = type === "ASK" ? "ask" : type === "SELECT" ? "select" : "graph";
    var links = tools.querySelector(".downloads");
    links.textContent = "";
    cfg.downloads[kind].forEach(function (f) {
      var a = document.createElement("a");
      a.href = "/sparql?query=" + encodeURIComponent(query) + "&format=" + f.name;
      a.setAttribute("download", "answer." + f.suffix);
      a.textContent = f.label;
      links.appendChild(a);
      links.appendChild(document.createTextNode(" "));
    });
    var share = tools.querySelector("a.share");
    share.href = shareLink(query);
    tools.hidden = false;
  }
  yasgui.on("query", function (_y, tab) {
    clearErrorMarks();
    updateTools(tab);
  });

  // The example queries open in tabs of their own, named by their titles.
  var bySlug = {};
  cfg.examples.forEach(function (ex) {
    bySlug[ex.slug] = ex;
  });
  document.querySelectorAll("a[data-example]").forEach(function (a) {
    a.addEventListener("click", function (event) {
      var ex = bySlug[a.getAttribute("data-example")];
      if (!ex) return;
      event.preventDefault();
      var tab = yasgui.addTab(true, { name: ex.title, yasqe: { value: ex.query } });
      host.scrollIntoView();
      tab.query().catch(function () {});
    });
  });

  if (fromServer) {
    var first = yasgui.getTab();
    if (first) first.query().catch(function () {});
  }
})();
