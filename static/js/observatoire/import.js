/* Progress of a background import: poll its state, update the <progress> bar, reload when done. */
(function () {
  "use strict";
  var suivi = document.getElementById("suivi-import");
  if (!suivi) { return; }
  var barre = document.getElementById("progression-import");
  var texte = document.getElementById("progression-texte");
  function interroger() {
    fetch(suivi.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (etat) {
      barre.value = etat.progression;
      texte.textContent = etat.progression + " % — " + etat.libelle;
      if (etat.statut === "applique" || etat.statut === "refuse") { window.location.reload(); }
      else { window.setTimeout(interroger, 1500); }
    }).catch(function () { window.setTimeout(interroger, 5000); });
  }
  window.setTimeout(interroger, 1000);
})();
