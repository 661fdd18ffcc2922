/* The territories' map (Leaflet, served locally) WITHOUT any tile server. A territory with an
   outline is drawn as its polygon, coloured by its rate's class; one without an outline as a circle
   at its centre, of the same colour and sized by rate. A figure masked by the statistical secrecy
   rule is cross-hatched; a territory without a rate is hatched with a dashed border (never told by
   colour alone). The département(s) the territories lie in are drawn by their outline when it was
   imported. Outlined territories are named on the map, each one's figure shows on hovering it
   (and in the table below the map); the legend below it gives the classes and the unit; the
   outlines' attribution is in Leaflet's attribution control, whose prefix and zoom buttons'
   titles come from the page, in French. */
(function () {
  "use strict";
  var el = document.getElementById("carte");
  var source = document.getElementById("donnees-carte");
  if (!el || !source || typeof L === "undefined") { return; }
  var donnees = JSON.parse(source.textContent);
  var territoires = donnees.territoires || [];
  // Sequential blues, light to dark, readable by colour-blind readers; text on them is never needed.
  var COULEURS = ["#dbe4f7", "#9fb6e8", "#5a7fd4", "#000091"];
  // One hatching per case without a colour: the map JSON's `etat` of each territory.
  var HACHURES = { secret: "hachures-secret", sans_donnee: "hachures-sans-donnee" };
  var TRAIT = "#161616";
  var departements = donnees.departements || [];

  var carte = L.map(el, { attributionControl: false, zoomControl: false, zoomSnap: 0.25 });
  // Leaflet's own zoom buttons are titled in English: the page gives their French titles.
  L.control.zoom({ zoomInTitle: el.dataset.zoomAvant, zoomOutTitle: el.dataset.zoomArriere }).addTo(carte);
  var attribution = L.control.attribution({ prefix: echapper(el.dataset.prefixe || "") }).addTo(carte);
  (donnees.attributions || []).forEach(function (texte) { attribution.addAttribution(echapper(texte)); });

  var taux = territoires.map(function (t) { return t.taux; }).filter(function (v) { return v !== null; });
  var max = Math.max.apply(null, taux.concat([0]));
  var min = Math.min.apply(null, taux.length ? taux : [0]);
  var bornes = classes(min, max, COULEURS.length);

  function echapper(texte) {
    var div = document.createElement("div");
    div.textContent = texte;
    return div.innerHTML;
  }

  function classes(bas, haut, n) {
    // Equal intervals between the lowest and the highest rate (one class when they are equal):
    // no more classes than distinct rates, nor than the legend's tenths can tell apart (two
    // rates of 0,52 and 0,58 ‰ make one class, never four that all read "de 0,5 à 0,6").
    if (!taux.length) { return []; }
    if (haut === bas) { return [[bas, haut]]; }
    var distincts = taux.filter(function (v, i) { return taux.indexOf(v) === i; }).length;
    n = Math.max(1, Math.min(n, distincts, Math.round((haut - bas) * 10)));
    var pas = (haut - bas) / n;
    var resultat = [];
    for (var i = 0; i < n; i++) { resultat.push([bas + i * pas, i === n - 1 ? haut : bas + (i + 1) * pas]); }
    return resultat;
  }

  function teinte(i) {
    // The classes' colours spread over the whole scale, the lightest to the darkest, whatever
    // their number.
    if (bornes.length === 1) { return COULEURS[COULEURS.length - 1]; }
    return COULEURS[Math.round(i * (COULEURS.length - 1) / (bornes.length - 1))];
  }

  function couleur(valeur) {
    for (var i = 0; i < bornes.length; i++) {
      if (valeur <= bornes[i][1]) { return teinte(i); }
    }
    return COULEURS[COULEURS.length - 1];
  }

  function style(t) {
    if (t.etat === "secret") {
      return { color: TRAIT, weight: 1.5, fillColor: "url(#" + HACHURES.secret + ")", fillOpacity: 1 };
    }
    if (t.taux === null) {
      return { color: TRAIT, weight: 1.5, dashArray: "5 4", fillColor: "url(#" + HACHURES.sans_donnee + ")", fillOpacity: 1 };
    }
    return { color: TRAIT, weight: 1, fillColor: couleur(t.taux), fillOpacity: 0.85 };
  }

  var couches = [];
  var noms = [];
  // The départements first, underneath: a thick outline, no fill, not interactive.
  var cadres = departements.filter(function (d) { return d.contour; }).map(function (d) {
    return L.geoJSON(d.contour, { style: { color: "#3a3a3a", weight: 3, fill: false }, interactive: false }).addTo(carte);
  });
  territoires.forEach(function (t) {
    var couche = null;
    if (t.contour) {
      couche = L.geoJSON(t.contour, { style: style(t) });
      couche.bindTooltip(echapper(t.texte), { sticky: true });
      // The name sits at the territory's centre when it has one (an outline's box centre may fall
      // in its neighbour), else at the centre of its outline's box.
      var centre = t.lat !== null && t.lon !== null ? [t.lat, t.lon] : couche.getBounds().getCenter();
      noms.push(L.marker(centre, {
        icon: L.divIcon({ className: "etiquette-carte", html: "<span>" + echapper(t.nom) + "</span>", iconSize: null }),
        interactive: false, keyboard: false
      }));
    } else if (t.lat !== null && t.lon !== null) {
      var options = style(t);
      options.radius = t.taux !== null && max ? 6 + 18 * Math.sqrt(t.taux / max) : 6;
      couche = L.circleMarker([t.lat, t.lon], options);
      couche.bindTooltip(echapper(t.texte));
      // Its name above the circle (the circle sits at the territory's centre).
      noms.push(L.marker([t.lat, t.lon], {
        icon: L.divIcon({ className: "etiquette-carte etiquette-cercle", html: "<span>" + echapper(t.nom) + "</span>", iconSize: null }),
        interactive: false, keyboard: false
      }));
    }
    if (couche) {
      couche.addTo(carte);
      couches.push(couche);
    }
  });
  hachures();
  noms.forEach(function (nom) { nom.addTo(carte); });
  var etendue = couches.length || cadres.length ? L.featureGroup(couches.concat(cadres)).getBounds() : null;
  // Circles are drawn in pixels around their centre, their names above them: room at the edges
  // so that neither the outermost circles nor their names are cut off.
  var cercles = territoires.some(function (t) { return !t.contour && t.lat !== null && t.lon !== null; });
  if (etendue && etendue.isValid() && !etendue.getNorthEast().equals(etendue.getSouthWest())) {
    carte.fitBounds(etendue.pad(0.03), cercles ? { padding: [70, 50] } : {});
  } else if (etendue && etendue.isValid()) {
    // One circle alone: bounds of no extent, which fitBounds cannot zoom to.
    carte.setView(etendue.getCenter(), 11);
  } else {
    carte.setView([46.6, 2.4], 5);
  }
  legende();
  ecarter();
  carte.on("zoomend", ecarter);

  function ecarter() {
    // Names that would cover each other (two small neighbours: « Biard » beside
    // « Vouneuil-sous-Biard ») are moved apart: each name in turn goes down below the one it would
    // cover, as often as needed, so that every name stays readable at every zoom.
    var places = [];
    noms.forEach(function (nom) {
      var span = nom.getElement() && nom.getElement().firstChild;
      if (!span) { return; }
      span.style.marginTop = "0px";
      var decalage = 0;
      for (var essai = 0; essai < 8; essai++) {
        var r = span.getBoundingClientRect();
        var couvert = places.filter(function (p) {
          return r.left < p.right && r.right > p.left && r.top < p.bottom && r.bottom > p.top;
        })[0];
        if (!couvert) { break; }
        decalage += couvert.bottom - r.top + 1;
        span.style.marginTop = decalage + "px";
      }
      places.push(span.getBoundingClientRect());
    });
  }

  function svg(nom, attributs, enfants) {
    // An SVG element with its attributes and children.
    var element = document.createElementNS("http://www.w3.org/2000/svg", nom);
    Object.keys(attributs).forEach(function (cle) { element.setAttribute(cle, attributs[cle]); });
    (enfants || []).forEach(function (enfant) { element.appendChild(enfant); });
    return element;
  }

  function motif(id, traits) {
    // A hatching pattern: lines on white, turned 45 degrees.
    return svg("pattern", {
      id: id, width: "8", height: "8", patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)"
    }, [svg("rect", { width: "8", height: "8", fill: "#ffffff" })].concat(traits));
  }

  function hachures() {
    // The SVG patterns the masked territories (cross-hatched, dark) and those without a rate
    // (single hatching, grey) are filled with, on the map and in the legend, in an SVG of their
    // own next to the map.
    if (document.getElementById(HACHURES.secret)) { return; }
    var secret = motif(HACHURES.secret, [
      svg("line", { x1: "0", y1: "0", x2: "0", y2: "8", stroke: "#3a3a3a", "stroke-width": "2" }),
      svg("line", { x1: "0", y1: "4", x2: "8", y2: "4", stroke: "#3a3a3a", "stroke-width": "2" })
    ]);
    var sansDonnee = motif(HACHURES.sans_donnee, [
      svg("line", { x1: "0", y1: "0", x2: "0", y2: "8", stroke: "#767676", "stroke-width": "3" })
    ]);
    var cache = svg("svg", {
      width: "0", height: "0", "aria-hidden": "true", focusable: "false", "class": "position-absolute"
    }, [svg("defs", {}, [secret, sansDonnee])]);
    el.parentNode.insertBefore(cache, el);
  }

  function legende() {
    var conteneur = document.getElementById("legende-carte");
    if (!conteneur) { return; }
    var format = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
    var liste = document.createElement("ul");
    liste.className = "list-unstyled mb-0 legende-carte";
    bornes.forEach(function (borne, i) {
      // A rate equal to a bound is in the lower class: each class after the first starts above
      // its lower bound, and says so.
      var modele = i === 0 ? conteneur.dataset.classe : conteneur.dataset.classeSuivante;
      var texte = borne[0] === borne[1] ? format.format(borne[0])
        : modele.replace("%(bas)s", format.format(borne[0])).replace("%(haut)s", format.format(borne[1]));
      liste.appendChild(entree({ fill: teinte(i) }, texte));
    });
    if (territoires.some(function (t) { return t.etat === "secret"; })) {
      liste.appendChild(entree({ fill: "url(#" + HACHURES.secret + ")", "stroke-width": "1.5" }, conteneur.dataset.secret));
    }
    if (territoires.some(function (t) { return t.etat !== "secret" && t.taux === null; })) {
      liste.appendChild(entree({
        fill: "url(#" + HACHURES.sans_donnee + ")", "stroke-dasharray": "5 4", "stroke-width": "1.5"
      }, conteneur.dataset.sansTaux));
    }
    departements.forEach(function (d) {
      var texte = (d.contour ? conteneur.dataset.departement : conteneur.dataset.departementSansContour).replace("%(nom)s", d.nom);
      liste.appendChild(d.contour ? entree({ fill: "none", stroke: "#3a3a3a", "stroke-width": "3" }, texte) : ligne(texte));
    });
    conteneur.appendChild(liste);
  }

  function ligne(texte) {
    var item = document.createElement("li");
    item.textContent = texte;
    return item;
  }

  function entree(trace, texte) {
    // A legend entry: a swatch drawn as on the map (`trace`: the SVG rectangle's paint), its text.
    var item = document.createElement("li");
    var rect = { x: "1", y: "1", width: "26", height: "14", stroke: TRAIT };
    Object.keys(trace).forEach(function (cle) { rect[cle] = trace[cle]; });
    item.appendChild(svg("svg", { width: "28", height: "16", "aria-hidden": "true", focusable: "false" },
      [svg("rect", rect)]));
    item.appendChild(document.createTextNode(" " + texte));
    return item;
  }
})();
