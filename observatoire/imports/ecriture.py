"""Writing figures in bulk: compare each batch with what is stored, create what is new, update
what changed (and only that, so that re-importing a file changes nothing)."""

from ..models import Donnee

TAILLE_LOT = 5000


class EcritureDonnees:
    def __init__(self, *, lot, source, rapport, declaration=None):
        self.lot = lot
        self.source = source
        self.rapport = rapport
        self.declaration = declaration
        self.tampon: list[tuple] = []

    def ecrire(self, lignes):
        """lignes: (territoire_id, indicateur_id, annee, mois, nombre or None, secret)."""
        for ligne in lignes:
            self.tampon.append(ligne)
            if len(self.tampon) >= TAILLE_LOT:
                self._vider()

    def terminer(self):
        if self.tampon:
            self._vider()

    def _vider(self):
        lignes, self.tampon = self.tampon, []
        existantes = {
            (d.territoire_id, d.indicateur_id, d.annee, d.mois): d
            for d in Donnee.objects.filter(
                source=self.source,
                territoire_id__in={ligne[0] for ligne in lignes},
                indicateur_id__in={ligne[1] for ligne in lignes},
                annee__in={ligne[2] for ligne in lignes},
                mois__in={ligne[3] for ligne in lignes},
            ).only("pk", "territoire_id", "indicateur_id", "annee", "mois", "nombre", "secret")
        }
        creer, modifier = [], []
        for territoire_id, indicateur_id, annee, mois, nombre, secret in lignes:
            existante = existantes.get((territoire_id, indicateur_id, annee, mois))
            if existante is None:
                creer.append(
                    Donnee(
                        territoire_id=territoire_id,
                        indicateur_id=indicateur_id,
                        source=self.source,
                        annee=annee,
                        mois=mois,
                        nombre=nombre,
                        secret=secret,
                        lot=self.lot,
                        declaration=self.declaration,
                    )
                )
            elif existante.nombre != nombre or existante.secret != secret:
                existante.nombre, existante.secret = nombre, secret
                existante.lot, existante.declaration = self.lot, self.declaration
                modifier.append(existante)
            else:
                self.rapport.inchangees += 1
        Donnee.objects.bulk_create(creer, batch_size=TAILLE_LOT)
        Donnee.objects.bulk_update(
            modifier, ["nombre", "secret", "lot", "declaration"], batch_size=TAILLE_LOT
        )
        self.rapport.creees += len(creer)
        self.rapport.modifiees += len(modifier)
