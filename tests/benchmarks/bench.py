"""The benchmark of issue 8 (`make bench`, not part of `make test`): import of the national-format
file against PostgreSQL's own COPY, dashboards' server time at several sizes against the plain
SQL GROUP BY over the base table, pages under load behind gunicorn, query counts per page.

Everything runs against PostgreSQL databases of its own, named BENCH_DB_PREFIX_* (cls_perf_bench
by default), created from a template (migrated, demo loaded, the generated territories created)
and dropped at the end. Each figure is printed as the median of several runs with min and max.

Scales (BENCH_SCALE): `full` (the 5.25 million-row national file; dashboards at 10 000,
1 000 000 and 5 250 000 rows), `small` (minutes), `tiny` (seconds: the smoke test).
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2

RACINE = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
MANAGE = str(RACINE / "manage.py")


@dataclass
class Echelle:
    nom: str
    national: int  # rows of the national-format file imported
    tailles: list[int]  # dashboards measured at these numbers of rows (the last: the national DB)
    repetitions: int  # runs of each measure (median, min, max)
    requetes: int  # timed requests per page and run (in-process)
    charge_requetes: int  # requests per load run (20 clients)
    charge_duree: float  # seconds at most per load run
    petite_nationale: int  # commune rows of the small database of the national context
    requetes_nationales: int  # timed requests per national-context page and run
    clients: int = 20


ECHELLES = {
    "full": Echelle("full", 5_250_000, [10_000, 1_000_000], 3, 40, 600, 90, 6_000, 20),
    "small": Echelle("small", 150_000, [10_000, 50_000], 3, 30, 300, 60, 6_000, 10),
    "tiny": Echelle("tiny", 1_500, [300], 2, 3, 40, 30, 1_500, 2),
}


@dataclass
class Resultats:
    """Every figure printed, by name, for the smoke test to check."""

    figures: dict[str, dict] = field(default_factory=dict)
    sortie: list[str] = field(default_factory=list)

    def ajouter(self, nom: str, valeurs: list[float], unite: str, format_="{:.1f}", **extra):
        valeurs = [v for v in valeurs if v is not None]
        mediane, mini, maxi = statistics.median(valeurs), min(valeurs), max(valeurs)
        self.figures[nom] = {"mediane": mediane, "min": mini, "max": maxi, "unite": unite, **extra}
        texte = (
            f"{nom} : {format_.format(mediane)} {unite} (médiane de {len(valeurs)} ; "
            f"min {format_.format(mini)}, max {format_.format(maxi)})"
        ).replace(".", ",")
        self.ecrire(texte)

    def ecrire(self, texte: str):
        self.sortie.append(texte)
        print(texte, flush=True)


def percentile(valeurs: list[float], p: float) -> float:
    valeurs = sorted(valeurs)
    if not valeurs:
        return float("nan")
    k = (len(valeurs) - 1) * p / 100
    bas = int(k)
    haut = min(bas + 1, len(valeurs) - 1)
    return valeurs[bas] + (valeurs[haut] - valeurs[bas]) * (k - bas)


# Databases -------------------------------------------------------------------------------------


class Bases:
    """The benchmark's own PostgreSQL databases (prefix BENCH_DB_PREFIX)."""

    def __init__(self, serveur: str | None = None, prefixe: str | None = None):
        self.serveur = (serveur or os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")).rstrip(
            "/"
        )
        self.prefixe = prefixe or os.environ.get("BENCH_DB_PREFIX", "cls_perf_bench")
        if not self.prefixe.startswith("cls_perf"):
            raise ValueError("Les bases du banc d'essai s'appellent cls_perf* (BENCH_DB_PREFIX).")
        self.creees: set[str] = set()

    def nom(self, suffixe: str) -> str:
        return f"{self.prefixe}_{suffixe}"

    def url(self, nom: str) -> str:
        return f"{self.serveur}/{nom}"

    def _admin(self, sql: str):
        connexion = psycopg2.connect(self.url("postgres"))
        connexion.autocommit = True
        try:
            with connexion.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connexion.close()

    def supprimer(self, nom: str):
        assert nom.startswith("cls_perf")
        self._admin(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')
        self.creees.discard(nom)

    def creer(self, nom: str, gabarit: str | None = None):
        self.supprimer(nom)
        self._admin(f'CREATE DATABASE "{nom}"' + (f' TEMPLATE "{gabarit}"' if gabarit else ""))
        self.creees.add(nom)

    def tout_supprimer(self):
        for nom in list(self.creees):
            self.supprimer(nom)


def environnement(url: str, **extra) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PYTHONPATH": str(RACINE),
            **extra,
        }
    )
    env.pop("DJANGO_DEBUG", None)
    return env


def manage(url: str, *args, capture=True) -> str:
    resultat = subprocess.run(
        [PYTHON, MANAGE, *args],
        env=environnement(url),
        cwd=RACINE,
        capture_output=capture,
        text=True,
        check=False,
    )
    if resultat.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} : {resultat.stderr or resultat.stdout}")
    return resultat.stdout


def preparer_gabarit_referentiel(bases: Bases) -> str:
    """Migrated, the national referential loaded (34 969 communes with their département, région
    and legal population), demo loaded: the databases without a départemental base start here."""
    nom = bases.nom("gabarit_ref")
    bases.creer(nom)
    url = bases.url(nom)
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "charger_referentiel")
    manage(url, "charger_demo", "--force")
    return nom


def preparer_gabarit(bases: Bases, gabarit_ref: str, departemental: Path) -> str:
    """The referential's template with the départemental base of the national file imported
    (each département's published total): each database of the national file starts here."""
    nom = bases.nom("gabarit")
    bases.creer(nom, gabarit_ref)
    importer(bases.url(nom), departemental)
    return nom


def importer(url: str, fichier: Path) -> str:
    """`importer_ssmsi` of a whole file, then VACUUM ANALYZE (`analyser`)."""
    sortie = manage(url, "importer_ssmsi", str(fichier))
    if "import appliqué" not in sortie:
        raise RuntimeError(f"Import de {fichier} refusé : {sortie[-2000:]}")
    analyser(url)
    return sortie


def analyser(url: str):
    """VACUUM ANALYZE: the state a minute after an import, once autovacuum has passed (it runs
    after that many inserted rows): statistics for the planner, and the visibility map that lets
    the ranking index (`donnee_classement_idx`) answer without reading the table."""
    connexion = psycopg2.connect(url)
    connexion.autocommit = True
    try:
        with connexion.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        connexion.close()


def fichier_national(lignes: int, dossier: Path) -> tuple[Path, Path]:
    """The national-format file on the referential's communes (the comparison page's 86066 always
    among them) and the départemental base of the same figures."""
    dossier.mkdir(parents=True, exist_ok=True)
    chemin = dossier / f"national-ref-{lignes}.csv"
    departemental = dossier / f"departemental-ref-{lignes}.csv"
    if not chemin.exists() or not departemental.exists():
        provisoire = chemin.with_suffix(".partiel")
        provisoire_dep = departemental.with_suffix(".partiel")
        manage(
            bases_url_sans_base(),
            "generer_chiffres",
            "--fichier-national",
            str(provisoire),
            "--lignes-nationales",
            str(lignes),
            "--referentiel",
            "--communes",
            "86066",
            "--fichier-departemental",
            str(provisoire_dep),
        )
        provisoire_dep.rename(departemental)
        provisoire.rename(chemin)
    return chemin, departemental


def bases_url_sans_base() -> str:
    # generer_chiffres --fichier-national does not touch the database; SQLite in memory is enough.
    return "sqlite://:memory:"


# Import ----------------------------------------------------------------------------------------


def lancer_mesure(commande: list[str], env: dict) -> tuple[float, float, str]:
    """Run a child process; its wall time (s), its own peak resident memory (MB, ru_maxrss of that
    child only) and its output."""
    debut = time.perf_counter()
    processus = subprocess.Popen(
        commande, env=env, cwd=RACINE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    sortie = []
    lecteur = threading.Thread(target=lambda: sortie.append(processus.stdout.read()))
    lecteur.start()
    _pid, statut, usage = os.wait4(processus.pid, 0)
    duree = time.perf_counter() - debut
    lecteur.join()
    processus.returncode = os.waitstatus_to_exitcode(statut)
    if processus.returncode != 0:
        raise RuntimeError(f"{' '.join(commande)} : code {processus.returncode}\n{''.join(sortie)[-3000:]}")
    return duree, usage.ru_maxrss / 1024, "".join(sortie)


def mesurer_import(bases: Bases, gabarit: str, fichier: Path, lignes: int, echelle: Echelle, res: Resultats):
    """The national file imported into a fresh copy of the template, several times; the last copy
    is kept as the national database of the dashboards (after a re-import, idempotent)."""
    durees, memoires, copies, reimports, web = [], [], [], [], []
    nom = bases.nom("national")
    for _ in range(echelle.repetitions):
        bases.creer(nom, gabarit)
        duree, rss, sortie = lancer_mesure(
            [PYTHON, MANAGE, "importer_ssmsi", str(fichier)], environnement(bases.url(nom))
        )
        if f"{lignes} créées" not in sortie:
            raise RuntimeError(f"Import incomplet : {sortie[-2000:]}")
        durees.append(duree)
        memoires.append(rss)
        # Side by side: the same file through the web, on its own fresh copy of the template.
        nom_web = bases.nom("web")
        bases.creer(nom_web, gabarit)
        web.append(import_par_le_web(bases.url(nom_web), fichier, lignes))
        bases.supprimer(nom_web)
    for _ in range(echelle.repetitions):
        copies.append(copie_postgresql(bases.url(nom), fichier))
    duree, _rss, sortie = lancer_mesure(
        [PYTHON, MANAGE, "importer_ssmsi", str(fichier)], environnement(bases.url(nom))
    )
    if f"{lignes} inchangées" not in sortie:
        raise RuntimeError(f"Ré-import non idempotent : {sortie[-2000:]}")
    reimports.append(duree)
    res.ajouter("Import du fichier national — durée", durees, "s", "{:.2f}", lignes=lignes)
    res.ajouter("Import du fichier national — débit", [lignes / d for d in durees], "lignes/s", "{:.0f}")
    res.ajouter(
        "Import du fichier national — mémoire résidente maximale (processus)", memoires, "Mo", "{:.0f}"
    )
    res.ajouter("COPY PostgreSQL du même fichier dans une table nue — durée", copies, "s", "{:.2f}")
    res.ajouter(
        "Rapport import / COPY",
        [d / statistics.median(copies) for d in durees],
        "×",
        "{:.2f}",
    )
    res.ajouter("Ré-import du même fichier (rien ne change) — durée", reimports, "s")
    rapporter_import_web(web, durees, res)
    return nom


# Import on the web (gunicorn, one db_worker, loopback only) ------------------------------------------

TITRE_WEB = "Import du fichier national par le web (gunicorn local : dépôt + vérification + application)"


def lancer_gunicorn(env: dict, port: int, workers: int = 2) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:`port`, as for the load test; returns once it answers."""
    serveur = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "cls_poitiers.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            # A sync worker that reads a 700 MB upload for a while is not a stuck one.
            "--timeout",
            "600",
        ],
        env=env,
        cwd=RACINE,
    )
    for _ in range(150):
        try:
            connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connexion.request("GET", "/")
            connexion.getresponse().read()
            return serveur
        except OSError:
            if serveur.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté (code {serveur.returncode})") from None
            time.sleep(0.2)
    serveur.terminate()
    raise RuntimeError("gunicorn ne répond pas")


class ClientWeb:
    """The analyst's browser, reduced to what the import needs: the session and CSRF cookies,
    GET, a form POST, and a multipart POST whose file is streamed from disk (never in memory)."""

    def __init__(self, port: int, session: str):
        self.port, self.cookies = port, {"sessionid": session}

    def _connexion(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def _entetes(self, **extra) -> dict:
        cookies = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Host": "127.0.0.1", "Cookie": cookies, **extra}

    def _envoyer(self, methode: str, chemin: str, corps=None, **entetes) -> tuple[int, dict, bytes]:
        connexion = self._connexion()
        try:
            connexion.request(methode, chemin, body=corps, headers=self._entetes(**entetes))
            reponse = connexion.getresponse()
            contenu = reponse.read()
        finally:
            connexion.close()
        for valeur in reponse.headers.get_all("Set-Cookie") or []:
            nom, _egal, reste = valeur.partition("=")
            self.cookies[nom.strip()] = reste.split(";", 1)[0]
        return reponse.status, dict(reponse.headers), contenu

    def get(self, chemin: str) -> bytes:
        statut, _entetes, contenu = self._envoyer("GET", chemin)
        if statut != 200:
            raise RuntimeError(f"GET {chemin} : {statut}")
        return contenu

    def jeton_csrf(self, chemin: str) -> str:
        page = self.get(chemin).decode()
        repere = 'name="csrfmiddlewaretoken" value="'
        debut = page.index(repere) + len(repere)
        return page[debut : page.index('"', debut)]

    def poster(self, chemin: str, champs: dict) -> str:
        """A form POST; the address it redirects to."""
        from urllib.parse import urlencode

        corps = urlencode(champs).encode()
        statut, entetes, contenu = self._envoyer(
            "POST",
            chemin,
            corps,
            **{"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(corps))},
        )
        if statut != 302:
            raise RuntimeError(f"POST {chemin} : {statut} {contenu[:500]!r}")
        return entetes["Location"]

    def deposer(self, chemin: str, champs: dict, nom_champ: str, fichier: Path) -> str:
        """A multipart POST of `champs` and the file, streamed from disk by a generator (the
        length is known beforehand: no chunked encoding); the address it redirects to."""
        limite = f"----cls-banc-{os.getpid()}-{time.monotonic_ns()}"
        debut = "".join(
            f'--{limite}\r\nContent-Disposition: form-data; name="{nom}"\r\n\r\n{valeur}\r\n'
            for nom, valeur in champs.items()
        )
        debut += (
            f'--{limite}\r\nContent-Disposition: form-data; name="{nom_champ}"; '
            f'filename="{fichier.name}"\r\nContent-Type: text/csv\r\n\r\n'
        )
        debut, fin = debut.encode(), f"\r\n--{limite}--\r\n".encode()

        def corps():
            yield debut
            with fichier.open("rb") as f:
                while bloc := f.read(1024 * 1024):
                    yield bloc
            yield fin

        statut, entetes, contenu = self._envoyer(
            "POST",
            chemin,
            corps(),
            **{
                "Content-Type": f"multipart/form-data; boundary={limite}",
                "Content-Length": str(len(debut) + fichier.stat().st_size + len(fin)),
            },
        )
        if statut != 302:
            raise RuntimeError(f"Dépôt refusé : {statut} {contenu[:500]!r}")
        return entetes["Location"]

    def attendre(self, chemin_etat: str, statut_attendu: str, delai: float = 3600) -> dict:
        """Poll the batch's state (its JSON, as the page does) until it stops waiting or running."""
        limite = time.monotonic() + delai
        while time.monotonic() < limite:
            etat = json.loads(self.get(chemin_etat))
            if not etat["a_suivre"]:
                if etat["statut"] != statut_attendu:
                    raise RuntimeError(f"Import par le web : {etat['statut']} au lieu de {statut_attendu}")
                return etat
            time.sleep(0.2)
        raise RuntimeError(f"Import par le web : toujours {etat['statut']} après {delai:.0f} s")


def import_par_le_web(url: str, fichier: Path, lignes: int) -> dict:
    """The national file imported as an analyst does it on /observatoire/imports/: gunicorn (2
    workers) and one `db_worker` on this database, the file uploaded, its check followed until the
    preview, "Appliquer l'import", its writing followed until applied. Returns the wall times (s)
    from the first byte of the upload and the worker's peak resident memory (MB, ru_maxrss)."""
    import shutil
    import tempfile

    session = cle_de_session(url)
    medias = Path(tempfile.mkdtemp(prefix="cls-banc-medias-", dir=fichier.parent))  # same disk: a move
    env = environnement(
        url,
        CLS_TESTS_TACHES="base",
        DJANGO_MEDIA_ROOT=str(medias),
        CLS_IMPORT_BATTEMENT_SECONDES="5",  # production's beat (tests.settings: 30)
        CLS_TESTS_CACHE_TABLEAUX="1",
    )
    ouvrier = subprocess.Popen(
        [PYTHON, MANAGE, "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        env=env,
        cwd=RACINE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    pret = threading.Event()

    def lire_l_ouvrier():
        # Its output is read to the end (a full pipe would block it); "Starting worker": ready.
        for ligne in ouvrier.stdout:
            if "Starting worker" in ligne:
                pret.set()
        pret.set()

    lecteur = threading.Thread(target=lire_l_ouvrier, daemon=True)
    lecteur.start()
    port = port_libre()
    serveur = lancer_gunicorn(env, port)
    try:
        # The worker waits for tasks, as in production, before the file is sent.
        pret.wait(timeout=120)
        if ouvrier.poll() is not None:
            raise RuntimeError(f"db_worker s'est arrêté (code {ouvrier.returncode})")
        client = ClientWeb(port, session)
        jeton = client.jeton_csrf("/observatoire/imports/")
        debut = time.perf_counter()
        adresse = client.deposer(
            "/observatoire/imports/", {"csrfmiddlewaretoken": jeton, "type": "ssmsi"}, "fichier", fichier
        )
        depot = time.perf_counter()
        chemin_lot = urlsplit(adresse).path
        client.attendre(chemin_lot + "etat/", "apercu")
        apercu = time.perf_counter()
        client.poster(chemin_lot + "appliquer/", {"csrfmiddlewaretoken": client.jeton_csrf(chemin_lot)})
        client.attendre(chemin_lot + "etat/", "applique")
        fin = time.perf_counter()
    finally:
        ouvrier.terminate()
        _pid, statut, usage = os.wait4(ouvrier.pid, 0)
        ouvrier.returncode = os.waitstatus_to_exitcode(statut)
        serveur.terminate()
        serveur.wait(timeout=30)
        shutil.rmtree(medias, ignore_errors=True)
    connexion = psycopg2.connect(url)
    with connexion.cursor() as cursor:
        cursor.execute(
            "SELECT creees, lignes_lues FROM observatoire_lotimport WHERE id = %s", [id_du_lot(chemin_lot)]
        )
        creees, lues = cursor.fetchone()
    connexion.close()
    if (creees, lues) != (lignes, lignes):
        raise RuntimeError(f"Import par le web incomplet : {creees} créées, {lues} lignes lues sur {lignes}")
    return {
        "duree": fin - debut,
        "depot": depot - debut,
        "verification": apercu - depot,
        "application": fin - apercu,
        "memoire_ouvrier": usage.ru_maxrss / 1024,
    }


def id_du_lot(chemin_lot: str) -> int:
    """The batch's id in its address (/observatoire/imports/<id>/)."""
    return int(chemin_lot.rstrip("/").rsplit("/", 1)[1])


def rapporter_import_web(web: list[dict], commande: list[float], res: Resultats):
    res.ajouter(f"{TITRE_WEB} — durée", [w["duree"] for w in web], "s", "{:.2f}")
    res.ajouter(
        f"{TITRE_WEB} — rapport web / commande",
        [w["duree"] / c for w, c in zip(web, commande, strict=True)],
        "×",
        "{:.2f}",
    )
    res.ajouter(f"{TITRE_WEB} — dépôt (envoi du fichier)", [w["depot"] for w in web], "s", "{:.2f}")
    res.ajouter(
        f"{TITRE_WEB} — vérification (jusqu'à l'aperçu)", [w["verification"] for w in web], "s", "{:.2f}"
    )
    res.ajouter(
        f"{TITRE_WEB} — application (jusqu'à « Appliqué »)", [w["application"] for w in web], "s", "{:.2f}"
    )
    res.ajouter(
        f"{TITRE_WEB} — mémoire résidente maximale (processus de traitement)",
        [w["memoire_ouvrier"] for w in web],
        "Mo",
        "{:.0f}",
    )


def copie_postgresql(url: str, fichier: Path) -> float:
    """PostgreSQL's own COPY of the same file into a bare table (13 text columns, no index)."""
    connexion = psycopg2.connect(url)
    try:
        with connexion.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS banc_copie")
            with open(fichier, encoding="utf-8") as f:
                colonnes = f.readline().count(";") + 1  # as many as the file has (its mark included)
            champs = ", ".join(f"c{i} text" for i in range(colonnes))
            cursor.execute(f"CREATE TABLE banc_copie ({champs})")
            connexion.commit()
            debut = time.perf_counter()
            with open(fichier, "rb") as f:
                cursor.copy_expert(
                    "COPY banc_copie FROM STDIN "
                    "WITH (FORMAT csv, DELIMITER ';', HEADER true, ENCODING 'UTF8')",
                    f,
                    size=1024 * 1024,
                )
            connexion.commit()
            duree = time.perf_counter() - debut
            cursor.execute("DROP TABLE banc_copie")
            connexion.commit()
    finally:
        connexion.close()
    return duree


# Dashboards (in-process, in a child process per database) ---------------------------------------

PAGES_TABLEAUX = {
    "vue d'ensemble": "/observatoire/?source={source}",
    "par territoire": "/observatoire/territoires/?source={source}",
}
PAGES_REQUETES = {
    **PAGES_TABLEAUX,
    "évolution": "/observatoire/evolution/?source={source}",
    "page d'un territoire": "/observatoire/territoires/86194/?source={source}",
    "accueil": "/",
}


def mesurer_tableaux_ici(source: str, requetes: int, repetitions: int) -> dict:
    """Run inside a child process configured for one database (see run.py --tableaux)."""
    import django

    django.setup()
    # As the wsgi entry point does once the application is loaded (see demarrage.py).
    from cls_poitiers.demarrage import figer_les_objets_du_demarrage

    figer_les_objets_du_demarrage()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from cls_poitiers.models import Utilisateur
    from observatoire.models import Source
    from observatoire.tableaux_de_bord import tableaux

    setup_test_environment()
    client = Client()
    client.force_login(Utilisateur.objects.get(username="analyste"))
    source_id = Source.objects.get(code=source).pk
    perimetre = tableaux.perimetre()
    ids = perimetre.ids
    resultat = {"pages": {}, "requetes": {}, "groupby": [], "comptes": [], "lignes": 0}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM observatoire_donnee")
        resultat["lignes"] = cursor.fetchone()[0]
    for nom, url in PAGES_REQUETES.items():
        url = url.format(source=source)
        reponse = client.get(url)
        assert reponse.status_code == 200, (url, reponse.status_code)
        with CaptureQueriesContext(connection) as requetes_sql:
            client.get(url)
        resultat["requetes"][nom] = len(requetes_sql)
    for nom, url in PAGES_TABLEAUX.items():
        url = url.format(source=source)
        for _ in range(3):
            client.get(url)
        runs = []
        for _ in range(repetitions):
            temps = []
            for _ in range(requetes):
                debut = time.perf_counter()
                reponse = client.get(url)
                temps.append((time.perf_counter() - debut) * 1000)
                assert reponse.status_code == 200
            runs.append({"p50": percentile(temps, 50), "p95": percentile(temps, 95)})
        resultat["pages"][nom] = runs
    # The same numbers from the base table (plain GROUP BY), and as the dashboards read them
    # (Comptes.lire: the ORM query and the Python objects built from it).
    sql = (
        "SELECT indicateur_id, territoire_id, annee, COALESCE(SUM(nombre), 0), "
        "COUNT(*) FILTER (WHERE NOT secret), "
        "COUNT(*) FILTER (WHERE secret) FROM observatoire_donnee WHERE source_id = %s "
        "AND territoire_id = ANY(%s) GROUP BY indicateur_id, territoire_id, annee"
    )
    source_obj = Source.objects.get(pk=source_id)

    def groupby():
        with connection.cursor() as cursor:
            cursor.execute(sql, [source_id, ids])
            return cursor.fetchall()

    def comptes():
        valeurs = tableaux.Comptes.lire(perimetre, source=source_obj).valeurs
        return [(*cle, c.nombre, c.publies, c.secrets) for cle, c in valeurs.items()]

    for cle, lire in (("groupby", groupby), ("comptes", comptes)):
        resultat[cle + "_lignes"] = sorted(tuple(map(int, ligne)) for ligne in lire())
        runs = []
        for _ in range(repetitions):
            temps = []
            for _ in range(requetes):
                debut = time.perf_counter()
                lire()
                temps.append((time.perf_counter() - debut) * 1000)
            runs.append({"p50": percentile(temps, 50), "p95": percentile(temps, 95)})
        resultat[cle] = runs
    resultat["identiques"] = resultat["groupby_lignes"] == resultat["comptes_lignes"]
    del resultat["groupby_lignes"], resultat["comptes_lignes"]
    return resultat


# The national context (issue 13): a commune's page with its references and rank, the ranking of
# every commune, the comparison page; on databases loaded with the national referential.

# Communes present at every size (the demonstration's 86027, of the largest class, under 2 000
# inhabitants; Châtellerault, outside the contract, 20 000 to 50 000).
COMMUNES_NATIONALES = {
    "commune 86027 (moins de 2 000 habitants)": "86027",
    "commune 86066 (Châtellerault)": "86066",
}
INDICATEUR_NATIONAL = "cambriolages-logement"  # per dwellings: the denominator most often missing
ANNEE_NATIONALE = 2025
PAGE_COMPARER = (
    "/observatoire/comparer/?source={source}&t=commune:86194&t=commune:86066&t=departement:86"
    "&t=region:75&t=pays:FR&indicateur={indicateur}"
)

# The same rates as Classement.lire, by SQL: a commune's yearly row, its published rate when it
# has one, else its count over the nearest millésime's denominator; masked rows are not ranked.
SQL_CLASSEMENT = """
SELECT d.territoire_id,
       CASE WHEN count(*) = 1 AND bool_and(d.mois = 0) AND max(d.taux_publie) IS NOT NULL
            THEN max(d.taux_publie)::float8
            ELSE sum(d.nombre) * 1000.0 / NULLIF(max((
                SELECT CASE WHEN i.denominateur = 'logements' THEN p.logements ELSE p.habitants END
                FROM cls_poitiers_population p
                WHERE p.territoire_id = d.territoire_id AND p.annee <= d.annee
                  AND (CASE WHEN i.denominateur = 'logements' THEN p.logements ELSE p.habitants END)
                      IS NOT NULL
                ORDER BY p.annee DESC LIMIT 1)), 0)::float8
       END AS taux
FROM observatoire_donnee d
JOIN cls_poitiers_territoire t ON t.id = d.territoire_id
JOIN observatoire_indicateur i ON i.id = d.indicateur_id
WHERE d.source_id = %s AND d.indicateur_id = %s AND d.annee = %s AND t.niveau = 'commune'
GROUP BY d.territoire_id
HAVING NOT bool_or(d.secret)
"""


def mesurer_national_ici(source: str, requetes: int, repetitions: int, classement_aussi: bool = True) -> dict:
    """Run inside a child process configured for one database (see run.py --national)."""
    import django

    django.setup()
    # As the wsgi entry point does once the application is loaded (see demarrage.py).
    from cls_poitiers.demarrage import figer_les_objets_du_demarrage

    figer_les_objets_du_demarrage()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from cls_poitiers.models import Territoire, Utilisateur
    from observatoire.models import Indicateur, Source
    from observatoire.tableaux_de_bord.references import Classement

    setup_test_environment()
    client = Client()
    client.force_login(Utilisateur.objects.get(username="analyste"))
    source_obj = Source.objects.get(code=source)
    indicateur = Indicateur.objects.get(code=INDICATEUR_NATIONAL)
    resultat = {"pages": {}, "requetes": {}, "lignes": 0, "communes": 0}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM observatoire_donnee")
        resultat["lignes"] = cursor.fetchone()[0]
    pages = {
        f"page {nom}": f"/observatoire/territoires/{code}/?source={source}&indicateur={INDICATEUR_NATIONAL}"
        for nom, code in COMMUNES_NATIONALES.items()
    }
    pages["comparaison (5 territoires, 10 ans)"] = PAGE_COMPARER.format(
        source=source, indicateur=INDICATEUR_NATIONAL
    )

    def chronometrer(appel) -> list[dict]:
        for _ in range(min(3, requetes)):  # warm-up
            appel()
        runs = []
        for _ in range(repetitions):
            temps = []
            for _ in range(requetes):
                debut = time.perf_counter()
                appel()
                temps.append((time.perf_counter() - debut) * 1000)
            runs.append({"p50": percentile(temps, 50), "p95": percentile(temps, 95)})
        return runs

    for nom, url in pages.items():
        reponse = client.get(url)
        assert reponse.status_code == 200, (url, reponse.status_code)
        with CaptureQueriesContext(connection) as requetes_sql:
            client.get(url)
        resultat["requetes"][nom] = len(requetes_sql)

        def page(url=url):
            assert client.get(url).status_code == 200

        resultat["pages"][nom] = chronometrer(page)
    if not classement_aussi:
        return resultat

    def classement():
        return Classement.lire(source_obj, indicateur, ANNEE_NATIONALE, Territoire.Niveau.COMMUNE).ordonne()

    def sql():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT territoire_id, taux, rank() OVER (ORDER BY taux DESC) FROM ("
                + SQL_CLASSEMENT
                + ") r WHERE taux IS NOT NULL",
                [source_obj.pk, indicateur.pk, ANNEE_NATIONALE],
            )
            return cursor.fetchall()

    par_python = {pk: (rang, taux) for rang, pk, taux in classement()}
    par_sql = {pk: (rang, taux) for pk, taux, rang in sql()}
    resultat["communes"] = len(par_python)
    resultat["classement_identique"] = par_python.keys() == par_sql.keys() and all(
        par_python[pk][0] == par_sql[pk][0] and abs(par_python[pk][1] - par_sql[pk][1]) < 1e-9
        for pk in par_python
    )
    resultat["classement_differences"] = sum(
        1
        for pk in par_python.keys() | par_sql.keys()
        if par_python.get(pk, (0,))[0] != par_sql.get(pk, (0,))[0]
    )
    with CaptureQueriesContext(connection) as requetes_sql:
        classement()
    resultat["requetes"]["classement"] = len(requetes_sql)
    resultat["classement"] = chronometrer(classement)
    resultat["classement_sql"] = chronometrer(sql)
    return resultat


def rapporter_sans_departemental(sans: dict, avec: dict, res: Resultats):
    libelle = f"{sans['lignes']:,}".replace(",", " ")
    for page, runs in sans["pages"].items():
        for p in ("p50", "p95"):
            res.ajouter(
                f"Contexte national, {page}, sans base départementale ({libelle} lignes) — {p}",
                [r[p] for r in runs],
                "ms",
            )
        res.ajouter(
            f"Rapport sans / avec base départementale, {page} (p95)",
            [s_["p95"] / a["p95"] for s_, a in zip(runs, avec["pages"][page], strict=True)],
            "×",
            "{:.2f}",
        )
    res.ecrire(
        "Requêtes SQL, sans base départementale : "
        + ", ".join(f"{page} {n}" for page, n in sans["requetes"].items())
    )


def mesurer_national(
    url: str, source: str, echelle: Echelle, classement: bool = True, requetes: int | None = None
) -> dict:
    """The national context's pages and ranking, uncached, in a child process on `url`
    (`requetes` timed requests per page and run, by default the scale's)."""
    sortie = subprocess.run(
        [
            PYTHON,
            str(RACINE / "tests" / "benchmarks" / "run.py"),
            "--national",
            source,
            str(requetes or echelle.requetes_nationales),
            str(echelle.repetitions),
            "1" if classement else "0",
        ],
        env=environnement(url, CLS_TESTS_CACHE_TABLEAUX="0"),
        cwd=RACINE,
        capture_output=True,
        text=True,
        check=False,
    )
    if sortie.returncode != 0:
        raise RuntimeError(sortie.stderr[-3000:])
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def rapporter_national(mesures: dict[str, dict], res: Resultats):
    """`mesures`: {label of the database: measure}, the smallest first, the national last."""
    for base, m in mesures.items():
        libelle = f"{m['lignes']:,}".replace(",", " ")
        for page, runs in m["pages"].items():
            for p in ("p50", "p95"):
                res.ajouter(
                    f"Contexte national, {page}, {base} ({libelle} lignes) — {p}", [r[p] for r in runs], "ms"
                )
        for cle, titre in (
            ("classement", "Classement lu puis ordonné"),
            ("classement_sql", "GROUP BY SQL des mêmes taux, rangés"),
        ):
            for p in ("p50", "p95"):
                res.ajouter(
                    f"Classement de {m['communes']} communes ({INDICATEUR_NATIONAL} {ANNEE_NATIONALE}), "
                    f"{titre}, {base} ({libelle} lignes) — {p}",
                    [r[p] for r in m[cle]],
                    "ms",
                )
        res.ecrire(
            f"Classement identique à celui du GROUP BY SQL, {base} : "
            + (
                "oui"
                if m["classement_identique"]
                else f"NON ({m['classement_differences']} rangs différents)"
            )
        )
        res.ecrire(f"Requêtes SQL, {base} : " + ", ".join(f"{page} {n}" for page, n in m["requetes"].items()))
    bases = list(mesures)
    petite, grande = mesures[bases[0]], mesures[bases[-1]]
    for page in petite["pages"]:
        res.ajouter(
            f"Coût contexte national, {page}, {bases[-1]} / {bases[0]} (p95)",
            [g["p95"] / p["p95"] for g, p in zip(grande["pages"][page], petite["pages"][page], strict=True)],
            "×",
            "{:.2f}",
        )
    res.ajouter(
        f"Coût du classement des communes, {bases[-1]} / {bases[0]} (p95)",
        [g["p95"] / p["p95"] for g, p in zip(grande["classement"], petite["classement"], strict=True)],
        "×",
        "{:.2f}",
    )


def mesurer_tableaux(url: str, source: str, echelle: Echelle, cache: bool = False) -> dict:
    """`cache`: with the dashboards' cache on, as in production (pages served from it once warm);
    off, each request computes its page (the cost that must not grow with the data)."""
    sortie = subprocess.run(
        [
            PYTHON,
            str(RACINE / "tests" / "benchmarks" / "run.py"),
            "--tableaux",
            source,
            str(echelle.requetes),
            str(echelle.repetitions),
        ],
        env=environnement(url, CLS_TESTS_CACHE_TABLEAUX="1" if cache else "0"),
        cwd=RACINE,
        capture_output=True,
        text=True,
        check=False,
    )
    if sortie.returncode != 0:
        raise RuntimeError(sortie.stderr[-3000:])
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def rapporter_cache(mesure: dict, res: Resultats):
    libelle = f"{mesure['lignes']:,}".replace(",", " ")
    for page, runs in mesure["pages"].items():
        for p in ("p50", "p95"):
            res.ajouter(
                f"Tableau de bord « {page} » servi par le cache à {libelle} lignes — {p}",
                [r[p] for r in runs],
                "ms",
            )


def rapporter_tableaux(mesures: dict[int, dict], res: Resultats):
    tailles = sorted(mesures)
    for taille in tailles:
        m = mesures[taille]
        libelle = f"{m['lignes']:,}".replace(",", " ")
        for page, runs in m["pages"].items():
            res.ajouter(
                f"Tableau de bord « {page} » à {libelle} lignes — p50", [r["p50"] for r in runs], "ms"
            )
            res.ajouter(
                f"Tableau de bord « {page} » à {libelle} lignes — p95", [r["p95"] for r in runs], "ms"
            )
        res.ajouter(
            f"GROUP BY SQL sur la table de base (mêmes nombres) à {libelle} lignes — p50",
            [r["p50"] for r in m["groupby"]],
            "ms",
            "{:.2f}",
        )
        res.ajouter(
            f"Lecture des comptes par les tableaux (mêmes nombres) à {libelle} lignes — p50",
            [r["p50"] for r in m["comptes"]],
            "ms",
            "{:.2f}",
        )
        groupby = statistics.median(r["p50"] for r in m["groupby"])
        for page, runs in m["pages"].items():
            res.ajouter(
                f"Rapport page « {page} » / GROUP BY à {libelle} lignes",
                [r["p50"] / groupby for r in runs],
                "×",
                "{:.1f}",
            )
        res.ecrire(
            f"Comptes lus par les tableaux identiques au GROUP BY de la table de base à {libelle} lignes : "
            + ("oui" if m["identiques"] else "NON")
        )
        res.ecrire(
            f"Requêtes SQL par page à {libelle} lignes : "
            + ", ".join(f"{page} {n}" for page, n in m["requetes"].items())
        )
    petite, grande = mesures[tailles[0]], mesures[tailles[-1]]
    for page in petite["pages"]:
        res.ajouter(
            f"Coût « {page} » à {grande['lignes']:,} / à {petite['lignes']:,} lignes (p95)".replace(",", " "),
            [g["p95"] / p["p95"] for g, p in zip(grande["pages"][page], petite["pages"][page], strict=True)],
            "×",
            "{:.2f}",
        )
    constantes = all(mesures[t]["requetes"] == petite["requetes"] for t in tailles)
    res.ecrire(
        "Nombre de requêtes par page constant quand les données grossissent : "
        + ("oui" if constantes else "NON")
    )


# Load (gunicorn, 2 workers, loopback only) ----------------------------------------------------------

PAGES_CHARGE = [
    "/",
    "/observatoire/?source={source}",
    "/observatoire/territoires/?source={source}",
    "/observatoire/evolution/?source={source}",
    "/observatoire/territoires/86194/?source={source}",
]


def cle_de_session(url: str) -> str:
    code = (
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from cls_poitiers.models import Utilisateur\n"
        "u = Utilisateur.objects.get(username='analyste')\n"
        "s = SessionStore()\n"
        "s[SESSION_KEY] = str(u.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash()\n"
        "s.save()\n"
        "print(s.session_key)\n"
    )
    return manage(url, "shell", "-v0", "-c", code).strip().splitlines()[-1]


def port_libre() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def charge(adresse: str, chemins: list[str], cookie: str, clients: int, total: int, duree_max: float) -> dict:
    """A bounded load client: `clients` threads over keep-alive loopback connections, `total`
    requests at most, `duree_max` seconds at most. Latencies in ms, errors = non-200 or failures."""
    hote = urlsplit(adresse)
    assert hote.hostname == "127.0.0.1"
    verrou = threading.Lock()
    compteur = {"envoyees": 0}
    latences: list[float] = []
    erreurs = []
    fin = time.monotonic() + duree_max

    def client(numero: int):
        connexion = http.client.HTTPConnection(hote.hostname, hote.port, timeout=30)
        i = numero
        while time.monotonic() < fin:
            with verrou:
                if compteur["envoyees"] >= total:
                    break
                compteur["envoyees"] += 1
            chemin = chemins[i % len(chemins)]
            i += 1
            debut = time.perf_counter()
            try:
                connexion.request(
                    "GET", chemin, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"}
                )
                reponse = connexion.getresponse()
                reponse.read()
                ok = reponse.status == 200
            except (OSError, http.client.HTTPException) as exc:
                ok = False
                connexion.close()
                connexion = http.client.HTTPConnection(hote.hostname, hote.port, timeout=30)
                reponse = exc
            ecoule = (time.perf_counter() - debut) * 1000
            with verrou:
                latences.append(ecoule)
                if not ok:
                    erreurs.append(getattr(reponse, "status", str(reponse)))
        connexion.close()

    debut = time.perf_counter()
    fils = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    duree = time.perf_counter() - debut
    return {
        "requetes": len(latences),
        "par_seconde": len(latences) / duree,
        "p50": percentile(latences, 50),
        "p95": percentile(latences, 95),
        "erreurs": len(erreurs),
        "exemples_erreurs": erreurs[:5],
    }


def mesurer_charge(url: str, source: str, echelle: Echelle, res: Resultats):
    cookie = cle_de_session(url)
    port = port_libre()
    # As in production: the dashboards' cache on (tests.settings turns it off for the test suite).
    env = environnement(url, CLS_TESTS_CACHE_TABLEAUX="1")
    serveur = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "cls_poitiers.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=RACINE,
    )
    try:
        adresse = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connexion.request("GET", "/")
                connexion.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        chemins = [c.format(source=source) for c in PAGES_CHARGE]
        charge(adresse, chemins, cookie, 2, len(chemins) * 2, 30)  # warm-up of both workers
        runs = [
            charge(adresse, chemins, cookie, echelle.clients, echelle.charge_requetes, echelle.charge_duree)
            for _ in range(echelle.repetitions)
        ]
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)
    titre = f"Pages sous charge (gunicorn 2 workers, {echelle.clients} clients, {len(PAGES_CHARGE)} pages)"
    res.ajouter(f"{titre} — requêtes/s", [r["par_seconde"] for r in runs], "req/s")
    res.ajouter(f"{titre} — p50", [r["p50"] for r in runs], "ms")
    res.ajouter(f"{titre} — p95", [r["p95"] for r in runs], "ms")
    res.ajouter(f"{titre} — erreurs", [r["erreurs"] for r in runs], "", "{:.0f}")
    res.ajouter(f"{titre} — requêtes par essai", [r["requetes"] for r in runs], "", "{:.0f}")
    exemples = [e for r in runs for e in r["exemples_erreurs"]]
    if exemples:
        res.ecrire(f"Exemples d'erreurs : {exemples[:5]}")


# Whole run -------------------------------------------------------------------------------------


def machine(res: Resultats, url: str):
    memoire = next(
        (
            ligne.split()[1]
            for ligne in Path("/proc/meminfo").read_text().splitlines()
            if ligne.startswith("MemTotal")
        ),
        "0",
    )
    connexion = psycopg2.connect(url)
    with connexion.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        tampons = cursor.fetchone()[0]
    connexion.close()
    res.ecrire(
        f"Machine : {os.cpu_count()} cœurs, {int(memoire) / 1024 / 1024:.1f} Go de mémoire, "
        f"PostgreSQL {version} (shared_buffers {tampons}), Python {sys.version.split()[0]}"
    )
    # The speed of one core, to compare the durations of two dates (the same loop, same Python).
    res.ajouter("Vitesse de la machine : 10 millions d'additions en Python", vitesse_python(), "s", "{:.2f}")


def vitesse_python(repetitions: int = 3) -> list[float]:
    durees = []
    for _ in range(repetitions):
        debut, total = time.perf_counter(), 0
        for i in range(10_000_000):
            total += i
        durees.append(time.perf_counter() - debut)
    return durees


def compter_lignes(chemin: Path) -> int:
    """Data rows of a CSV file (its header left out)."""
    with open(chemin, "rb") as f:
        return sum(1 for _ in f) - 1


def contexte_national(bases, gabarit_ref, national, petit, petit_departemental, echelle, res) -> dict:
    """The national context (issue 13), uncached: the small database (the same referential, its
    own départemental base) beside the national one."""
    source = "generee-illustrative"
    nom = bases.nom("petite_nationale")
    bases.creer(nom, gabarit_ref)
    importer(bases.url(nom), petit_departemental)
    importer(bases.url(nom), petit)
    nationales = {"petite base": mesurer_national(bases.url(nom), source, echelle)}
    bases.supprimer(nom)
    nationales["base nationale"] = mesurer_national(bases.url(national), source, echelle)
    rapporter_national(nationales, res)
    return nationales


@contextmanager
def passage(bases: Bases, titre: str):
    """A run of the benchmark: its title and the machine's lines first, then its measures (the
    `Resultats` yielded); its databases and templates dropped at the end, whatever happens."""
    res = Resultats()
    res.ecrire(titre)
    try:
        machine(res, bases.url("postgres"))
        yield res
    finally:
        bases.tout_supprimer()
        bases.supprimer(bases.nom("gabarit"))
        bases.supprimer(bases.nom("gabarit_ref"))


def executer_contexte(echelle: Echelle, dossier: Path, bases: Bases | None = None) -> Resultats:
    """`BENCH_PARTIE=contexte`: the national context's measures alone (the pages, the ranking),
    on the same files and databases as the whole run, the national file imported once and not
    timed; a quarter of the whole run's time."""
    bases = bases or Bases()
    with passage(bases, f"Banc d'essai CLS — échelle « {echelle.nom} », contexte national seul") as res:
        fichier, departemental = fichier_national(echelle.national, dossier)
        petit, petit_departemental = fichier_national(echelle.petite_nationale, dossier)
        gabarit_ref = preparer_gabarit_referentiel(bases)
        gabarit = preparer_gabarit(bases, gabarit_ref, departemental)
        national = bases.nom("national")
        bases.creer(national, gabarit)
        importer(bases.url(national), fichier)
        contexte_national(bases, gabarit_ref, national, petit, petit_departemental, echelle, res)
    return res


def executer_import(echelle: Echelle, dossier: Path, bases: Bases | None = None) -> Resultats:
    """`BENCH_PARTIE=import`: the import's measures alone (the command against COPY, the same file
    through the web, the re-import), on the same files and templates as the whole run."""
    bases = bases or Bases()
    with passage(bases, f"Banc d'essai CLS — échelle « {echelle.nom} », import seul") as res:
        fichier, departemental = fichier_national(echelle.national, dossier)
        gabarit = preparer_gabarit(bases, preparer_gabarit_referentiel(bases), departemental)
        mesurer_import(bases, gabarit, fichier, compter_lignes(fichier), echelle, res)
    return res


PARTIES = {"contexte": executer_contexte, "import": executer_import}


def executer(echelle: Echelle, dossier: Path, bases: Bases | None = None) -> Resultats:
    bases = bases or Bases()
    with passage(bases, f"Banc d'essai CLS — échelle « {echelle.nom} »") as res:
        debut = time.perf_counter()
        fichier, departemental = fichier_national(echelle.national, dossier)
        petit, petit_departemental = fichier_national(echelle.petite_nationale, dossier)
        lignes = compter_lignes(fichier)
        gabarit_ref = preparer_gabarit_referentiel(bases)
        gabarit = preparer_gabarit(bases, gabarit_ref, departemental)
        res.ecrire(
            f"Préparation (fichier {fichier.stat().st_size / 1e6:.0f} Mo, {lignes} lignes sur les communes "
            f"du référentiel, base départementale {compter_lignes(departemental)} lignes, "
            f"bases gabarits avec le référentiel national) : {time.perf_counter() - debut:.0f} s"
        )
        national = mesurer_import(bases, gabarit, fichier, lignes, echelle, res)
        analyser(bases.url(national))
        mesures = {}
        for taille in echelle.tailles:
            nom = bases.nom(f"n{taille}")
            # From the template with the départemental base, as the national database: the same
            # kinds of figures at every size, so the same queries per page.
            bases.creer(nom, gabarit)
            manage(bases.url(nom), "generer_chiffres", "--lignes", str(taille))
            analyser(bases.url(nom))
            mesures[taille] = mesurer_tableaux(bases.url(nom), "generee-illustrative", echelle)
            bases.supprimer(nom)
        # The generated national file carries its mark: its figures go to the illustrative source,
        # never to the real SSMSI one (which stays empty here).
        source = "generee-illustrative"
        mesures[lignes] = mesurer_tableaux(bases.url(national), source, echelle)
        rapporter_tableaux(mesures, res)
        rapporter_cache(mesurer_tableaux(bases.url(national), source, echelle, cache=True), res)
        mesurer_charge(bases.url(national), source, echelle, res)
        nationales = contexte_national(bases, gabarit_ref, national, petit, petit_departemental, echelle, res)
        # Without a départemental base: the references are sums over the communes.
        bases.supprimer(national)
        nom = bases.nom("sans_departemental")
        bases.creer(nom, gabarit_ref)
        importer(bases.url(nom), fichier)
        rapporter_sans_departemental(
            # Seconds per page here (France summed over its 34 969 communes): at most 5 requests a run.
            mesurer_national(
                bases.url(nom),
                source,
                echelle,
                classement=False,
                requetes=min(5, echelle.requetes_nationales),
            ),
            nationales["base nationale"],
            res,
        )
    return res
