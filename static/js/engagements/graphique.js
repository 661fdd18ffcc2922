// Progress chart of a commitment: the value reached at each progress report against the target
// line. Data come from the page (json_script "donnees-graphique"); the same figures are in the
// table under the chart.
(function () {
  "use strict";
  var source = document.getElementById("donnees-graphique");
  var canvas = document.getElementById("graphique-avancement");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var d = JSON.parse(source.textContent);
  var nombre = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });
  new Chart(canvas, {
    type: "line",
    data: {
      labels: d.libelles,
      datasets: [
        {
          label: d.titre_valeurs + " (" + d.unite + ")",
          data: d.valeurs,
          borderColor: "#000091",
          backgroundColor: "#000091",
          pointStyle: "circle",
          pointRadius: 4,
          tension: 0
        },
        {
          label: d.titre_cible + " (" + nombre.format(d.cible) + ")",
          data: d.libelles.map(function () { return d.cible; }),
          borderColor: "#c9191e",
          borderDash: [6, 4],
          pointRadius: 0
        }
      ]
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (ctx) { return ctx.dataset.label + " : " + nombre.format(ctx.parsed.y); }
          }
        }
      },
      scales: {
        y: { ticks: { callback: function (v) { return nombre.format(v); } } }
      }
    }
  });
})();
