// Tables wider than the screen scroll inside their .table-responsive box (static/css/cls.css). A box
// that does scroll is made reachable with the keyboard (WCAG 2.1.1) and named after its caption;
// one that fits the screen adds no tab stop. Boxes that templates already made focusable are left.
(function () {
  "use strict";
  function marquer() {
    document.querySelectorAll(".table-responsive:not([tabindex]), .table-responsive[data-defile]").forEach(function (boite) {
      var legende = boite.querySelector("caption");
      var nom = legende ? legende.textContent.trim() : "";
      if (boite.scrollWidth > boite.clientWidth + 1) {
        boite.dataset.defile = "";
        boite.setAttribute("tabindex", "0");
        if (nom) {
          boite.setAttribute("role", "region");
          boite.setAttribute("aria-label", nom);
        }
      } else if (boite.dataset.defile !== undefined) {
        ["tabindex", "role", "aria-label", "data-defile"].forEach(function (nomAttribut) {
          boite.removeAttribute(nomAttribut);
        });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", marquer);
  window.addEventListener("resize", marquer);
})();
