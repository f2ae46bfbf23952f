/* "Référence choisie": the reader picks another territory of the set, and its key figures fill
   a column of the table "Chiffres clés comparés" of a portrait (templates/_comparisons.html.j2).
   The figures of every territory are precomputed by the publish step in ../chiffres-cles.js
   (window.PORTRAITS_CHIFFRES_CLES): no server, and it works from file:// too. Without this
   script the table keeps its static columns. Text only (textContent), no inline style. */
(function () {
  "use strict";
  var data = window.PORTRAITS_CHIFFRES_CLES;
  var box = document.getElementById("comparaisons");
  var choice = document.getElementById("reference-choice");
  var table = document.getElementById("comparisons-table");
  if (!data || !box || !choice || !table) { return; }
  var own = box.getAttribute("data-territory");
  var others = data.territories.filter(function (t) { return t.code !== own; });
  if (!others.length) { return; }
  var byCode = {};
  others.forEach(function (t) { byCode[t.code] = t; });

  function make(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text) { el.textContent = text; }
    return el;
  }

  var label = make("label", {"for": "reference-select"}, "Comparer avec un autre territoire du jeu : ");
  var select = make("select", {"id": "reference-select", "aria-controls": "comparisons-table"});
  select.appendChild(make("option", {"value": ""}, "— choisir un territoire —"));
  others.forEach(function (t) { select.appendChild(make("option", {"value": t.code}, t.name)); });
  var status = make("p", {"id": "reference-status", "class": "note", "role": "status", "aria-live": "polite"});
  choice.appendChild(label);
  choice.appendChild(select);
  choice.appendChild(status);

  var heading = make("th", {"scope": "col", "id": "reference-heading"}, "Référence choisie");
  table.querySelector("thead tr").appendChild(heading);
  var cells = [];
  table.querySelectorAll("tbody tr").forEach(function (row) {
    var cell = make("td", {"class": "reference-cell"}, "–");
    row.appendChild(cell);
    cells.push([row.getAttribute("data-figure"), cell]);
  });

  select.addEventListener("change", function () {
    var t = byCode[select.value];
    cells.forEach(function (pair) {
      pair[1].textContent = t ? (t.values[pair[0]] || "non calculé") : "–";
    });
    heading.textContent = t ? "Référence choisie : " + t.name : "Référence choisie";
    status.textContent = t ? "Colonne « Référence choisie » : chiffres clés de " + t.name + "."
                           : "Aucune référence choisie.";
  });
  choice.hidden = false;
}());
