/* Draws the plotly figures whose JSON the server put in <script type="application/json">.
   Figures are defined once in Python (assessments/charts.py); this only draws them. */
(function () {
  "use strict";

  function readFigure(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var value = JSON.parse(el.textContent);
    return typeof value === "string" ? JSON.parse(value) : value;
  }

  function drawAll(root) {
    if (!window.Plotly) return;
    (root || document).querySelectorAll("[data-figure]").forEach(function (div) {
      var figure = readFigure(div.getAttribute("data-figure"));
      if (!figure) return;
      var layout = Object.assign({}, figure.layout, { autosize: true });
      window.Plotly.react(div, figure.data, layout, {
        displaylogo: false,
        responsive: true,
        modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"],
      });
    });
  }

  window.addEventListener("load", function () { drawAll(document); });
  document.addEventListener("live:swapped", function (event) { drawAll(event.target); });
})();
