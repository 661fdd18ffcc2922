"""Load test of the platform as partners really use it: `make charge` (not part of `make test`).

gunicorn (2 workers, loopback only) serves the Poitiers demo on PostgreSQL; twenty concurrent users
work for CHARGE_DUREE seconds (300 by default):
- 8 partners post progress reports on their own commitments (writes),
- 6 users of the committees browse the calendar and the meeting lists,
- 6 analysts browse the observatory's dashboards.
Afterwards it counts, in the database, the progress reports the load wrote: every report that the
server acknowledged must be there (zero lost writes), and no request may fail (zero errors).
Prints p50 and p95 per profile and overall. Bounded in time and count; talks to 127.0.0.1 only.
"""

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PG = os.environ.get("CHARGE_PG", "postgres://postgres@127.0.0.1:5432")
BASE = os.environ.get("CHARGE_BASE", "cls_charge")
DUREE = float(os.environ.get("CHARGE_DUREE", "300"))
REQUETES_MAX = int(os.environ.get("CHARGE_REQUETES_MAX", "200000"))
MOT_DE_PASSE = "poitiers1998"

PARTENAIRES = {
    "stp": ["p3-alms-stp"],
    "oparc": ["p3-alms-oparc"],
    "ville-poitiers": ["p3-alms-poitiers", "p4-veille-sociale"],
    "police": ["p2-ilotage", "p2-brigade-de-jour"],
    "parquet": ["p6-rappels-a-la-loi", "p3-pole-justice"],
    "ville-buxerolles": ["p3-alms-buxerolles"],
    "ville-chasseneuil": ["p3-alms-chasseneuil"],
    "ville-migne-auxances": ["p3-alms-migne-auxances"],
}
PAGES_COMITES = ["/comites/calendrier/", "/comites/reunions/", "/comites/rythme/", "/"]
PAGES_ANALYSTE = ["/observatoire/", "/observatoire/territoires/", "/observatoire/evolution/", "/"]


def env_serveur() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"{PG}/{BASE}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_DEBUG": "0",
        # As in production: the dashboards' cache on (tests.settings turns it off for the suite).
        "CLS_TESTS_CACHE_TABLEAUX": "1",
    }


def manage(*args):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env_serveur(), check=True, stdout=subprocess.DEVNULL
    )


def preparer_base():
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", BASE], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", BASE], check=True)
    manage("migrate", "--noinput")
    manage("charger_demo", "--force")


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """One logged-in user: cookies and CSRF token over a persistent connection."""

    def __init__(self, port: int, username: str):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.get("/compte/connexion/")
        statut, _corps = self.post("/compte/connexion/", {"username": username, "password": MOT_DE_PASSE})
        if statut != 302:
            raise RuntimeError(f"connexion de {username} refusée ({statut})")

    def _requete(self, methode: str, chemin: str, corps: str | None = None) -> tuple[int, bytes]:
        entetes = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if corps is not None:
            entetes["Content-Type"] = "application/x-www-form-urlencoded"
            entetes["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            entetes["Referer"] = f"http://127.0.0.1:{self.port}{chemin}"
        for essai in range(2):
            try:
                self.connexion.request(methode, chemin, body=corps, headers=entetes)
                reponse = self.connexion.getresponse()
                donnees = reponse.read()
                break
            except (OSError, http.client.HTTPException):
                self.connexion.close()
                self.connexion = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if essai:
                    raise
        for entete, valeur in reponse.getheaders():
            if entete.lower() == "set-cookie":
                nom, _, reste = valeur.partition("=")
                self.cookies[nom] = reste.split(";", 1)[0]
        return reponse.status, donnees

    def get(self, chemin):
        return self._requete("GET", chemin)

    def post(self, chemin, champs: dict):
        champs = {**champs, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        return self._requete("POST", chemin, urlencode(champs))


def travailler(port, username, profil, fin, resultats, verrou, marque, compteur):
    session = Session(port, username)
    n = 0
    while time.monotonic() < fin:
        with verrou:
            if compteur["n"] >= REQUETES_MAX:
                return
            compteur["n"] += 1
        n += 1
        debut = time.perf_counter()
        ecriture = False
        if profil == "partenaire":
            references = PARTENAIRES[username]
            reference = references[n % len(references)]
            if n % 3 == 0:
                ecriture = True
                statut, _corps = session.post(
                    f"/engagements/engagement/{reference}/point/",
                    {
                        f"point-{reference}-date": "15/06/2000",
                        f"point-{reference}-valeur": str(n % 17),
                        f"point-{reference}-commentaire": f"{marque} {username} {n}",
                    },
                )
                ok = statut == 302
            else:
                chemin = (
                    "/engagements/mes-engagements/" if n % 3 == 1 else f"/engagements/engagement/{reference}/"
                )
                statut, _corps = session.get(chemin)
                ok = statut == 200
        else:
            pages = PAGES_COMITES if profil == "comites" else PAGES_ANALYSTE
            statut, _corps = session.get(pages[n % len(pages)])
            ok = statut == 200
        duree = (time.perf_counter() - debut) * 1000
        with verrou:
            resultats.append((profil, duree, ok, ecriture, statut))


def pct(valeurs, p):
    valeurs = sorted(valeurs)
    if not valeurs:
        return float("nan")
    k = (len(valeurs) - 1) * p / 100
    bas, haut = int(k), min(int(k) + 1, len(valeurs) - 1)
    return valeurs[bas] + (valeurs[haut] - valeurs[bas]) * (k - bas)


def main():
    print(
        f"Charge mixte — {DUREE:.0f} s, 20 utilisateurs, gunicorn 2 workers, PostgreSQL ({BASE})", flush=True
    )
    preparer_base()
    port = port_libre()
    serveur = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "cls_poitiers.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env_serveur(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/compte/connexion/")
                break
            except OSError:
                time.sleep(0.2)
        marque = f"charge-{uuid.uuid4().hex[:8]}"
        utilisateurs = [(u, "partenaire") for u in PARTENAIRES]
        utilisateurs += [("secretariat", "comites")] * 4 + [("coordination", "comites")] * 2
        utilisateurs += [("analyste", "analyste")] * 6
        resultats, verrou, compteur = [], threading.Lock(), {"n": 0}
        fin = time.monotonic() + DUREE
        fils = [
            threading.Thread(target=travailler, args=(port, u, p, fin, resultats, verrou, marque, compteur))
            for u, p in utilisateurs
        ]
        for f in fils:
            f.start()
        for f in fils:
            f.join(timeout=DUREE + 120)
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)

    ecritures_acquittees = sum(1 for _p, _d, ok, e, _s in resultats if e and ok)
    sortie = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from engagements.models import PointEtape;"
            f"print(PointEtape.objects.filter(commentaire__startswith='{marque} ').count())",
        ],
        cwd=ROOT,
        env=env_serveur(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    trouvees = int(re.findall(r"\d+", sortie)[-1])
    erreurs = [r for r in resultats if not r[2]]
    print(f"Requêtes : {len(resultats)} en {DUREE:.0f} s ({len(resultats) / DUREE:.1f} req/s)")
    for profil in ("partenaire", "comites", "analyste", None):
        durees = [d for p, d, _ok, _e, _s in resultats if profil is None or p == profil]
        nom = profil or "ensemble"
        print(f"  {nom:<11} n={len(durees):>6}  p50 {pct(durees, 50):7.1f} ms  p95 {pct(durees, 95):7.1f} ms")
    print(
        f"Erreurs : {len(erreurs)}"
        + (f" (statuts {statistics.multimode([e[4] for e in erreurs])})" if erreurs else "")
    )
    print(f"Points d'étape acquittés par le serveur : {ecritures_acquittees} ; trouvés en base : {trouvees}")
    perdues = ecritures_acquittees - trouvees
    print(f"Écritures perdues : {perdues}")
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", BASE], check=False)
    return 0 if not erreurs and perdues == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
