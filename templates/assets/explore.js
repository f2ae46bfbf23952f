/* The map to explore (templates/_explore_map.html.j2, drawn by portraits/explore.py).
   A file of the site, loaded with defer: the Content-Security-Policy allows no inline code. Without
   it the map still works (names on hover, the index's links). With it:
   - hover, focus or tap on a commune shows its name and values in the panel (aria-live);
   - the map is one tab stop: arrow keys go to the nearest commune in that direction, Enter opens
     the territory's portrait (index), + and - zoom, Escape goes back to the whole map;
   - buttons zoom in, out and back; dragging pans; selects choose the indicator and a commune.
   Only classes and SVG attributes (viewBox, d, class) are changed: no style attribute. */
(function () {
  "use strict";
  var root = document.querySelector(".explore");
  if (!root) { return; }
  var svg = root.querySelector("svg");
  var box = root.querySelector(".explore-map");
  var panel = root.querySelector(".explore-panel");
  var focusPath = svg.querySelector(".explore-focus");
  var layerSelect = root.querySelector("#explore-layer");
  var communeSelect = root.querySelector("#explore-commune");
  var labels = [].map.call(root.querySelectorAll(".explore-legend-title"), function (p) {
    return p.textContent.replace(/, par commune$/, "");
  });
  var paths = [].slice.call(svg.querySelectorAll(".communes path"));
  var full = svg.getAttribute("viewBox").split(" ").map(Number);
  var view = full.slice();
  var current = null;
  var centres = null;

  function centre(p) {
    if (!centres) {
      centres = paths.map(function (q) { var b = q.getBBox(); return [b.x + b.width / 2, b.y + b.height / 2]; });
    }
    return centres[paths.indexOf(p)];
  }

  function name(p) { return p.querySelector("title").textContent; }

  function territory(p) {
    var a = p.closest("a");
    return a ? a.getAttribute("aria-label") : null;
  }

  function show(p) {
    current = p;
    focusPath.setAttribute("d", p.getAttribute("d"));
    while (panel.firstChild) { panel.removeChild(panel.firstChild); }
    var h = document.createElement("p");
    h.className = "explore-name";
    h.textContent = name(p);
    panel.appendChild(h);
    if (territory(p)) {
      var t = document.createElement("p");
      t.textContent = "Territoire : " + territory(p);
      panel.appendChild(t);
    }
    var dl = document.createElement("dl");
    p.getAttribute("data-v").split("|").forEach(function (v, i) {
      var dt = document.createElement("dt");
      dt.textContent = labels[i];
      var dd = document.createElement("dd");
      dd.textContent = v;
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    panel.appendChild(dl);
    panel.hidden = false;
    if (communeSelect) { communeSelect.value = String(paths.indexOf(p)); }
  }

  function setView(v) {
    view = v;
    svg.setAttribute("viewBox", v.map(function (x) { return Math.round(x * 10) / 10; }).join(" "));
    root.classList.toggle("zoomed", v[2] < full[2] - 0.5);
  }

  function zoom(factor, cx, cy) {
    var w = Math.min(full[2], Math.max(full[2] / 16, view[2] / factor));
    var h = w * full[3] / full[2];
    if (cx === undefined) { cx = view[0] + view[2] / 2; cy = view[1] + view[3] / 2; }
    setView(clamp([cx - w / 2, cy - h / 2, w, h]));
  }

  function clamp(v) {
    v[0] = Math.min(Math.max(v[0], full[0]), full[0] + full[2] - v[2]);
    v[1] = Math.min(Math.max(v[1], full[1]), full[1] + full[3] - v[3]);
    return v;
  }

  function reveal(p) {      // pan to a commune out of the view
    var c = centre(p);
    if (c[0] < view[0] || c[0] > view[0] + view[2] || c[1] < view[1] || c[1] > view[1] + view[3]) {
      setView(clamp([c[0] - view[2] / 2, c[1] - view[3] / 2, view[2], view[3]]));
    }
  }

  function neighbour(p, dx, dy) {
    // The nearest commune whose centre lies in the arrow's direction (a 90° cone around it).
    var c = centre(p), best = null, bestScore = Infinity;
    paths.forEach(function (q) {
      if (q === p) { return; }
      var d = centre(q), x = d[0] - c[0], y = d[1] - c[1];
      var along = x * dx + y * dy, across = Math.abs(x * dy - y * dx);
      if (along <= 0 || across > along) { return; }
      var score = along + 2 * across;
      if (score < bestScore) { bestScore = score; best = q; }
    });
    return best;
  }

  function first() {   // the commune nearest the centre of the view
    var cx = view[0] + view[2] / 2, cy = view[1] + view[3] / 2, best = paths[0], bestD = Infinity;
    paths.forEach(function (q) {
      var d = centre(q), e = (d[0] - cx) * (d[0] - cx) + (d[1] - cy) * (d[1] - cy);
      if (e < bestD) { bestD = e; best = q; }
    });
    return best;
  }

  var ARROWS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

  box.addEventListener("keydown", function (e) {
    if (ARROWS[e.key]) {
      var next = current ? neighbour(current, ARROWS[e.key][0], ARROWS[e.key][1]) : first();
      if (next) { show(next); reveal(next); }
      e.preventDefault();
    } else if (e.key === "+" || e.key === "=") {
      zoom(1.5, current ? centre(current)[0] : undefined, current ? centre(current)[1] : undefined);
      e.preventDefault();
    } else if (e.key === "-") {
      zoom(1 / 1.5);
      e.preventDefault();
    } else if (e.key === "Escape") {
      setView(full.slice());
      e.preventDefault();
    } else if (e.key === "Enter" && current && current.closest("a")) {
      window.location.href = current.closest("a").href.baseVal || current.closest("a").getAttribute("href");
      e.preventDefault();
    }
  });
  box.addEventListener("focus", function () { if (!current) { show(first()); } });

  paths.forEach(function (p) {
    p.addEventListener("pointerenter", function (e) { if (e.pointerType === "mouse") { show(p); } });
    p.addEventListener("click", function (e) {
      if (dragged) { e.preventDefault(); return; }
      // A tap shows the commune; a second tap on it follows the territory's link.
      if (e.pointerType !== "mouse" && current !== p && p.closest("a")) { e.preventDefault(); }
      show(p);
    });
  });

  // Dragging pans the map when zoomed.
  var drag = null, dragged = false;
  svg.addEventListener("pointerdown", function (e) {
    dragged = false;
    if (view[2] < full[2] - 0.5) { drag = { x: e.clientX, y: e.clientY, view: view.slice() }; }
  });
  svg.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    var k = view[2] / svg.getBoundingClientRect().width;
    var dx = (e.clientX - drag.x) * k, dy = (e.clientY - drag.y) * k;
    if (Math.abs(dx) + Math.abs(dy) > 2 * k) { dragged = true; }
    setView(clamp([drag.view[0] - dx, drag.view[1] - dy, view[2], view[3]]));
  });
  ["pointerup", "pointercancel", "pointerleave"].forEach(function (t) {
    svg.addEventListener(t, function () { drag = null; });
  });

  root.querySelectorAll("button[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      var z = b.getAttribute("data-zoom");
      if (z === "reset") { setView(full.slice()); } else { zoom(z === "in" ? 1.5 : 1 / 1.5); }
    });
  });

  if (layerSelect) {
    layerSelect.addEventListener("change", function () {
      var i = Number(layerSelect.value);
      paths.forEach(function (p) {
        var q = p.getAttribute("data-q").split(" ")[i];
        p.setAttribute("class", "q" + q);
      });
      root.querySelectorAll(".explore-legend").forEach(function (l) {
        l.hidden = l.getAttribute("data-layer") !== String(i);
      });
    });
  }

  if (communeSelect) {
    paths.map(function (p, i) { return [name(p), i]; })
      .sort(function (a, b) { return a[0].localeCompare(b[0], "fr"); })
      .forEach(function (x) {
        var o = document.createElement("option");
        o.value = String(x[1]);
        o.textContent = x[0];
        communeSelect.appendChild(o);
      });
    communeSelect.addEventListener("change", function () {
      if (communeSelect.value !== "") { var p = paths[Number(communeSelect.value)]; show(p); reveal(p); }
    });
  }

  // The map becomes one tab stop: the links of the territories leave the tab order (the list of
  // territories beside the map keeps them), the map itself takes the focus.
  svg.querySelectorAll("a").forEach(function (a) { a.setAttribute("tabindex", "-1"); });
  box.setAttribute("tabindex", "0");
  box.setAttribute("role", "group");
  box.setAttribute("aria-roledescription", "carte");
  box.setAttribute("aria-label", svg.querySelector("title").textContent);
  root.querySelector(".explore-controls").hidden = false;
  root.querySelector(".explore-keys").hidden = false;
  root.classList.add("scripted");
}());
