/* Follow an import batch while it waits or runs: ask its state (JSON) every two seconds, show the
   server's French sentence in the live region and the percentage in the bar, and reload the page
   when the batch has stopped (preview, applied, refused, interrupted). Without JavaScript the
   page's "Actualiser maintenant" link does the same by hand. */
(function () {
  "use strict";
  var suivi = document.getElementById("suivi-import");
  if (!suivi) { return; }
  var barre = document.getElementById("progression-import");
  var texte = document.getElementById("progression-texte");
  var statut = document.getElementById("statut-lot");
  function interroger() {
    fetch(suivi.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reponse) {
        if (!reponse.ok) { throw new Error(reponse.status); }
        return reponse.json();
      })
      .then(function (etat) {
        barre.value = etat.progression;
        barre.textContent = etat.progression + " %";
        if (texte.textContent !== etat.texte) { texte.textContent = etat.texte; }
        if (statut) { statut.textContent = etat.libelle; }
        if (etat.a_suivre) { window.setTimeout(interroger, 2000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(interroger, 5000); });
  }
  window.setTimeout(interroger, 1000);
})();
