/* The comparison chart (Chart.js, served locally): one line per territory, a gap where a
   figure is missing or masked. Its data come from a json_script block; the same figures are in
   the table below it. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var el = document.getElementById("donnees-comparaison");
  var canvas = document.getElementById("graphique-comparaison");
  if (!el || !canvas) { return; }
  var donnees = JSON.parse(el.textContent);
  var nombreFr = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
  var couleurs = ["#000091", "#c9191e", "#18753c", "#b34000", "#6a6af4", "#3a3a3a", "#a558a0", "#007c8a", "#716043", "#d1335b"];
  var formes = ["circle", "rect", "triangle", "rectRot", "cross", "star", "crossRot", "rectRounded", "line", "dash"];
  var tirets = [[], [6, 3], [2, 2], [8, 3, 2, 3], [], [6, 3], [2, 2], [8, 3, 2, 3], [], [6, 3]];
  new Chart(canvas, {
    type: "line",
    data: {
      labels: donnees.libelles,
      datasets: donnees.series.map(function (s, i) {
        return {
          label: s.nom, data: s.valeurs, spanGaps: false,
          borderColor: couleurs[i % couleurs.length], backgroundColor: couleurs[i % couleurs.length],
          borderDash: tirets[i % tirets.length], pointStyle: formes[i % formes.length], pointRadius: 4
        };
      })
    },
    options: {
      animation: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: donnees.unite } } },
      plugins: { tooltip: { callbacks: { label: function (c) {
        return c.dataset.label + " : " + (c.parsed.y === null ? "—" : nombreFr.format(c.parsed.y) + " " + donnees.unite);
      } } } }
    }
  });
})();
