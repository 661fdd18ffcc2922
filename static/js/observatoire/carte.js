/* The territories' map (Leaflet, served locally) WITHOUT any tile server: circles at the centre of
   each territory, sized by rate, or the real boundaries when a GeoJSON has been imported. */
(function () {
  "use strict";
  var el = document.getElementById("carte");
  var source = document.getElementById("donnees-carte");
  if (!el || !source || typeof L === "undefined") { return; }
  var territoires = JSON.parse(source.textContent);
  var carte = L.map(el, { attributionControl: false, zoomControl: false, zoomSnap: 0.25 });
  // Leaflet's own zoom buttons are titled in English: the page gives their French titles.
  L.control.zoom({ zoomInTitle: el.dataset.zoomAvant, zoomOutTitle: el.dataset.zoomArriere }).addTo(carte);
  var max = Math.max.apply(null, territoires.map(function (t) { return t.taux || 0; }).concat([1]));
  var couches = [];
  territoires.forEach(function (t) {
    var couche = null;
    var intensite = t.taux ? 0.25 + 0.6 * t.taux / max : 0.05;
    if (t.contour) {
      couche = L.geoJSON(t.contour, { style: { color: "#000091", weight: 1, fillColor: "#000091", fillOpacity: intensite } });
    } else if (t.lat !== null && t.lon !== null) {
      couche = L.circleMarker([t.lat, t.lon], {
        radius: t.taux ? 6 + 24 * Math.sqrt(t.taux / max) : 4,
        color: "#000091", weight: 1, fillColor: "#000091", fillOpacity: t.taux ? 0.45 : 0.05,
        dashArray: t.taux ? null : "3"
      });
    }
    if (couche) {
      couche.bindTooltip(t.texte);
      couche.addTo(carte);
      couches.push(couche);
    }
  });
  if (couches.length) {
    carte.fitBounds(L.featureGroup(couches).getBounds().pad(0.2));
  } else {
    carte.setView([46.58, 0.34], 11);
  }
})();
