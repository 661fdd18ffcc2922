"""The national territorial referential: France, its régions, départements, intercommunalities
(EPCI) and current communes, with their official codes, names and legal populations, from the npm
package `@etalab/decoupage-administratif` (Etalab, MIT) installed in node_modules by `make install`.

`charger()` loads it into `Territoire` or brings a database up to date: it creates what is new,
updates what changed (a renamed commune, a commune that changed EPCI, a new population), and
reports what it did. A territory the referential no longer knows is deleted only if nothing points
to it (figures, contracts, commitments): otherwise it is kept, no longer marked as the referential's,
and the report says so. Loading twice changes nothing the second time.

A territory's identity is its level and its code. A commune's `parent` is its département unless
it already rolls up into something else (a contract's territory): the referential never moves a
commune out of a contract's perimeter.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from .grammaire import Article
from .modeles_communs import cle_de_recherche
from .models import Territoire

PAYS_CODE = "FR"
COMMUNE_ACTUELLE = "commune-actuelle"

# The overseas collectivities (COM: Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin, the
# TAAF, Wallis-et-Futuna, French Polynesia, New Caledonia, Clipperton), the referential's zone
# "com", each a département and a région of its own. The national delinquency bases cover
# metropolitan France and the five overseas départements, as INSEE's "France" does: France's
# totals add up the other départements and their communes (`hors_collectivites_d_outre_mer`), so
# that eight collectivities no base covers never make a complete France "partial". A COM keeps
# its own page with whatever figures a source gives it.
COLLECTIVITES_D_OUTRE_MER = frozenset({"975", "977", "978", "984", "986", "987", "988", "989"})


def hors_collectivites_d_outre_mer(territoires):
    """`territoires` (a queryset of départements or of communes) without the overseas
    collectivities and their communes: the parts of France's totals."""
    return territoires.exclude(code__in=COLLECTIVITES_D_OUTRE_MER).exclude(
        departement__code__in=COLLECTIVITES_D_OUTRE_MER
    )


# The package's version → (the year of its geography, the year of the legal populations it
# carries: each edition publishes the populations INSEE brought into force that year, those of a
# census three years older; 6.0.0 is the 2026 geography with the populations légales 2022).
MILLESIMES = {
    "6.0.0": (2026, 2022),
    "5.3.0": (2025, 2021),
    "4.1.0": (2024, 2020),
}

# The fields the referential owns; anything else on a territory (its contract's tree, its
# outline, its centre) is the council's and is never overwritten.
CHAMPS = (
    "nom",
    "nom_recherche",
    "article",
    "parent_id",
    "departement_id",
    "region_id",
    "epci_id",
    "population_legale",
    "annee_population_legale",
)


class ReferentielIntrouvable(Exception):
    pass


def dossier() -> Path:
    return Path(
        getattr(settings, "CLS_REFERENTIEL_DOSSIER", "")
        or settings.BASE_DIR / "node_modules/@etalab/decoupage-administratif"
    )


@dataclass
class Source:
    version: str
    annee_geographie: int | None
    annee_population: int | None
    regions: list
    departements: list
    communes: list
    epci: list

    @classmethod
    def lire(cls, chemin: Path | None = None, annee_population: int | None = None) -> "Source":
        chemin = Path(chemin) if chemin else dossier()
        donnees = chemin / "data"
        if not (donnees / "communes.json").is_file():
            raise ReferentielIntrouvable(
                _(
                    "Référentiel introuvable dans %(dossier)s : installez-le avec « make install » "
                    "(paquet npm @etalab/decoupage-administratif)."
                )
                % {"dossier": chemin}
            )
        version = json.loads((chemin / "package.json").read_text(encoding="utf-8")).get("version", "")
        geographie, population = MILLESIMES.get(version, (None, None))

        def lire(nom):
            return json.loads((donnees / nom).read_text(encoding="utf-8"))

        return cls(
            version=version,
            annee_geographie=geographie,
            annee_population=annee_population or population,
            regions=lire("regions.json"),
            departements=lire("departements.json"),
            communes=[c for c in lire("communes.json") if c.get("type") == COMMUNE_ACTUELLE],
            epci=lire("epci.json"),
        )


@dataclass
class Rapport:
    version: str = ""
    crees: dict = field(default_factory=dict)
    modifies: dict = field(default_factory=dict)
    supprimes: dict = field(default_factory=dict)
    conserves: list = field(default_factory=list)

    @property
    def inchange(self) -> bool:
        return not (self.crees or self.modifies or self.supprimes or self.conserves)

    def lignes(self) -> list[str]:
        libelles = dict(Territoire.Niveau.choices)
        lignes = []
        for titre, compte in (
            (_("créés"), self.crees),
            (_("mis à jour"), self.modifies),
            (_("supprimés"), self.supprimes),
        ):
            if compte:
                detail = ", ".join(f"{libelles[n]} : {k}" for n, k in compte.items())
                lignes.append(f"{titre.capitalize()} : {detail}.")
        for territoire in self.conserves:
            lignes.append(
                _("Conservé : %(nom)s (%(code)s) n'est plus au référentiel, mais des données s'y rattachent.")
                % {"nom": territoire.nom, "code": territoire.code}
            )
        if not lignes:
            lignes.append(_("Référentiel déjà à jour : rien n'a changé."))
        return lignes


class _Chargement:
    def __init__(self, source: Source):
        self.source = source
        self.rapport = Rapport(version=source.version)
        self.existants = {
            (t.niveau, t.code): t
            for t in Territoire.objects.filter(
                niveau__in=[
                    Territoire.Niveau.PAYS,
                    Territoire.Niveau.REGION,
                    Territoire.Niveau.DEPARTEMENT,
                    Territoire.Niveau.EPCI,
                    Territoire.Niveau.COMMUNE,
                ]
            ).only("pk", "code", "niveau", "referentiel", *[c.removesuffix("_id") for c in CHAMPS])
        }
        self.vus = set()

    def niveau(self, niveau: str, lignes: list[dict]) -> dict[str, Territoire]:
        """Writes one level; returns its territories by code. `lignes` hold the code, the name and
        the referential's fields (as `CHAMPS`)."""
        nouveaux, modifies, par_code = [], [], {}
        for ligne in lignes:
            cle = (niveau, ligne["code"])
            self.vus.add(cle)
            territoire = self.existants.get(cle)
            if territoire is None:
                territoire = Territoire(
                    niveau=niveau, code=ligne["code"], referentiel=True, **ligne["champs"]
                )
                nouveaux.append(territoire)
            else:
                champs = dict(ligne["champs"])
                if niveau == Territoire.Niveau.COMMUNE and not self._rattachee_a_son_departement(territoire):
                    champs.pop("parent_id")
                change = [c for c, v in champs.items() if getattr(territoire, c) != v]
                if not territoire.referentiel:
                    territoire.referentiel = True
                    change.append("referentiel")
                for c in change:
                    setattr(territoire, c, champs.get(c, getattr(territoire, c)))
                if change:
                    modifies.append((territoire, change))
            par_code[ligne["code"]] = territoire
        Territoire.objects.bulk_create(nouveaux, batch_size=2000)
        champs_modifies = sorted({c for _, change in modifies for c in change})
        if modifies:
            Territoire.objects.bulk_update([t for t, _ in modifies], champs_modifies, batch_size=2000)
        if nouveaux:
            self.rapport.crees[niveau] = len(nouveaux)
        if modifies:
            self.rapport.modifies[niveau] = len(modifies)
        return par_code

    def _rattachee_a_son_departement(self, commune: Territoire) -> bool:
        """A commune the referential may re-parent: under no parent or under a département (not in
        a contract's tree)."""
        if commune.parent_id is None:
            return True
        return commune.parent_id in self.departements_pk

    def charger(self) -> Rapport:
        src = self.source
        annee = src.annee_population
        communes = src.communes
        population_dep, population_reg = {}, {}
        for c in communes:
            population_dep[c["departement"]] = population_dep.get(c["departement"], 0) + c.get(
                "population", 0
            )
            population_reg[c["region"]] = population_reg.get(c["region"], 0) + c.get("population", 0)

        def champs(nom, article=None, parent=None, departement=None, region=None, epci=None, population=None):
            return {
                "nom": nom,
                "nom_recherche": cle_de_recherche(nom),
                "article": article,
                "parent_id": parent.pk if parent else None,
                "departement_id": departement.pk if departement else None,
                "region_id": region.pk if region else None,
                "epci_id": epci.pk if epci else None,
                "population_legale": population,
                "annee_population_legale": annee if population is not None else None,
            }

        # France's legal population, as INSEE's: metropolitan France and the overseas départements,
        # not the overseas collectivities (each a région of its own here), as France's totals.
        population_france = sum(
            population for code, population in population_reg.items() if code not in COLLECTIVITES_D_OUTRE_MER
        )
        pays = self.niveau(
            Territoire.Niveau.PAYS,
            [
                {
                    "code": PAYS_CODE,
                    "champs": champs(_("France"), Article.LA, population=population_france),
                }
            ],
        )[PAYS_CODE]
        regions = self.niveau(
            Territoire.Niveau.REGION,
            [
                {
                    "code": r["code"],
                    "champs": champs(
                        r["nom"], r.get("typeLiaison"), parent=pays, population=population_reg.get(r["code"])
                    ),
                }
                for r in src.regions
            ],
        )
        departements = self.niveau(
            Territoire.Niveau.DEPARTEMENT,
            [
                {
                    "code": d["code"],
                    "champs": champs(
                        d["nom"],
                        d.get("typeLiaison"),
                        parent=regions.get(d["region"]),
                        region=regions.get(d["region"]),
                        population=population_dep.get(d["code"]),
                    ),
                }
                for d in src.departements
            ],
        )
        self.departements_pk = {t.pk for t in departements.values()}
        epcis = self.niveau(
            Territoire.Niveau.EPCI,
            [
                {"code": e["code"], "champs": champs(e["nom"], population=e.get("populationMunicipale"))}
                for e in src.epci
            ],
        )
        epci_de = {m["code"]: epcis[e["code"]] for e in src.epci for m in e.get("membres", [])}
        self.niveau(
            Territoire.Niveau.COMMUNE,
            [
                {
                    "code": c["code"],
                    "champs": champs(
                        c["nom"],
                        c.get("typeLiaison"),
                        parent=departements.get(c["departement"]),
                        departement=departements.get(c["departement"]),
                        region=regions.get(c["region"]),
                        epci=epci_de.get(c["code"]),
                        population=c.get("population"),
                    ),
                }
                for c in communes
            ],
        )
        self._retirer_les_disparus()
        return self.rapport

    def _retirer_les_disparus(self):
        for cle, territoire in self.existants.items():
            if cle in self.vus or not territoire.referentiel:
                continue
            try:
                with transaction.atomic():
                    territoire.delete()
                self.rapport.supprimes[territoire.niveau] = (
                    self.rapport.supprimes.get(territoire.niveau, 0) + 1
                )
            except (ProtectedError, RestrictedError):
                Territoire.objects.filter(pk=territoire.pk).update(referentiel=False)
                self.rapport.conserves.append(territoire)


def charger(chemin: Path | None = None, *, annee_population: int | None = None) -> Rapport:
    """Loads (or brings up to date) the whole referential, in one transaction: all or nothing."""
    source = Source.lire(chemin, annee_population=annee_population)
    with transaction.atomic():
        return _Chargement(source).charger()


def est_charge() -> bool:
    return Territoire.objects.filter(niveau=Territoire.Niveau.PAYS, code=PAYS_CODE, referentiel=True).exists()


def charger_apres_migration(sender, app_config=None, using="default", verbosity=1, **kwargs):
    """post_migrate: a production `migrate` (and `make run`) brings the referential up to date
    with no extra step. Off where `CLS_REFERENTIEL_AU_MIGRATE` is False (the test settings: tests
    write their own small territories). Runs once per migrate, after the core's own migrations."""
    if app_config is None or app_config.label != "cls_poitiers":
        return
    if not getattr(settings, "CLS_REFERENTIEL_AU_MIGRATE", True):
        return
    try:
        rapport = charger()
    except ReferentielIntrouvable as exc:
        if verbosity:
            print(exc)
        return
    if verbosity:
        for ligne in rapport.lignes():
            print(_("Référentiel national : %(ligne)s") % {"ligne": ligne})
