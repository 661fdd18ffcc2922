/* Charts of the observatory (Chart.js, served locally). Data come from json_script blocks;
   every chart has its table on the page. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var nombreFr = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
  var couleurs = ["#000091", "#c9191e", "#18753c", "#b34000", "#6a6af4", "#3a3a3a"];

  function lire(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  document.querySelectorAll("canvas.sparkline").forEach(function (canvas) {
    var valeurs = (canvas.dataset.serie || "").split(";").map(function (v) { return v === "" ? null : Number(v); });
    new Chart(canvas, {
      type: "line",
      data: { labels: valeurs.map(function (_, i) { return i; }), datasets: [{ data: valeurs, borderColor: "#000091", borderWidth: 1.5, pointRadius: 0, spanGaps: true }] },
      options: { responsive: false, animation: false, plugins: { legend: { display: false }, tooltip: { enabled: false } }, scales: { x: { display: false }, y: { display: false } } }
    });
  });

  var barres = lire("donnees-barres");
  var canvasBarres = document.getElementById("graphique-barres");
  if (barres && canvasBarres) {
    new Chart(canvasBarres, {
      type: "bar",
      data: { labels: barres.map(function (b) { return b.nom; }), datasets: [{ label: "‰", data: barres.map(function (b) { return b.taux; }), backgroundColor: "#000091" }] },
      options: { indexAxis: "y", animation: false, plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (c) { return nombreFr.format(c.parsed.x) + " ‰"; } } } } }
    });
  }

  var evolution = lire("donnees-evolution");
  var canvasEvolution = document.getElementById("graphique-evolution");
  if (evolution && canvasEvolution) {
    new Chart(canvasEvolution, {
      type: "line",
      data: {
        labels: evolution.libelles,
        datasets: evolution.series.map(function (s, i) {
          return { label: s.nom, data: s.valeurs, borderColor: couleurs[i % couleurs.length], backgroundColor: couleurs[i % couleurs.length], spanGaps: true, pointStyle: ["circle", "rect", "triangle", "rectRot", "cross", "star"][i % 6] };
        })
      },
      options: {
        animation: false,
        // From zero, the unit on the axis: a trend is not drawn larger than it is.
        scales: { y: { beginAtZero: true, title: { display: !!evolution.unite, text: evolution.unite || "" } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + " : " + (c.parsed.y === null ? "—" : nombreFr.format(c.parsed.y) + (evolution.unite ? " " + evolution.unite : "")); } } } }
      }
    });
  }
})();
