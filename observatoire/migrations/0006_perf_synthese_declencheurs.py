"""Database triggers that keep observatoire_synthesedonnee exact in the same transaction as every
write to observatoire_donnee (ORM, bulk imports through COPY, queryset updates and deletions,
cascades). PostgreSQL: one statement-level trigger per event over its transition tables (one
set-based pass per statement, even for millions of rows). SQLite: row-level triggers."""

from django.db import migrations

CLE = "source_id, territoire_id, indicateur_id, annee"
PUBLIE = "CASE WHEN {t}.secret THEN 0 ELSE 1 END"
MASQUE = "CASE WHEN {t}.secret THEN 1 ELSE 0 END"

POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION observatoire_synthese_maj() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO observatoire_synthesedonnee AS s ({CLE}, nombre, publies, secrets)
        SELECT {CLE}, COALESCE(SUM(nombre), 0), COUNT(*) FILTER (WHERE NOT secret),
               COUNT(*) FILTER (WHERE secret)
        FROM nouvelles GROUP BY {CLE}
        ON CONFLICT ({CLE}) DO UPDATE SET nombre = s.nombre + EXCLUDED.nombre,
            publies = s.publies + EXCLUDED.publies, secrets = s.secrets + EXCLUDED.secrets;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO observatoire_synthesedonnee AS s ({CLE}, nombre, publies, secrets)
        SELECT {CLE}, SUM(n), SUM(p), SUM(m) FROM (
            SELECT {CLE}, -COALESCE(nombre, 0) AS n, -{PUBLIE.format(t="anciennes")} AS p,
                   -{MASQUE.format(t="anciennes")} AS m FROM anciennes
            UNION ALL
            SELECT {CLE}, COALESCE(nombre, 0), {PUBLIE.format(t="nouvelles")},
                   {MASQUE.format(t="nouvelles")} FROM nouvelles
        ) ecarts GROUP BY {CLE}
        ON CONFLICT ({CLE}) DO UPDATE SET nombre = s.nombre + EXCLUDED.nombre,
            publies = s.publies + EXCLUDED.publies, secrets = s.secrets + EXCLUDED.secrets;
        DELETE FROM observatoire_synthesedonnee s USING (SELECT DISTINCT {CLE} FROM anciennes) a
        WHERE (s.source_id, s.territoire_id, s.indicateur_id, s.annee)
            = (a.source_id, a.territoire_id, a.indicateur_id, a.annee)
          AND s.publies = 0 AND s.secrets = 0;
    ELSE
        UPDATE observatoire_synthesedonnee s
        SET nombre = s.nombre - a.n, publies = s.publies - a.p, secrets = s.secrets - a.m
        FROM (
            SELECT {CLE}, COALESCE(SUM(nombre), 0) AS n, COUNT(*) FILTER (WHERE NOT secret) AS p,
                   COUNT(*) FILTER (WHERE secret) AS m
            FROM anciennes GROUP BY {CLE}
        ) a
        WHERE (s.source_id, s.territoire_id, s.indicateur_id, s.annee)
            = (a.source_id, a.territoire_id, a.indicateur_id, a.annee);
        DELETE FROM observatoire_synthesedonnee s USING (SELECT DISTINCT {CLE} FROM anciennes) a
        WHERE (s.source_id, s.territoire_id, s.indicateur_id, s.annee)
            = (a.source_id, a.territoire_id, a.indicateur_id, a.annee)
          AND s.publies = 0 AND s.secrets = 0;
    END IF;
    RETURN NULL;
END;
$$
""",
    # Hash aggregation of a national import's millions of keys fits in memory instead of spilling.
    "ALTER FUNCTION observatoire_synthese_maj() SET work_mem = '256MB'",
    """CREATE TRIGGER observatoire_synthese_insertion AFTER INSERT ON observatoire_donnee
       REFERENCING NEW TABLE AS nouvelles FOR EACH STATEMENT EXECUTE FUNCTION observatoire_synthese_maj()""",
    """CREATE TRIGGER observatoire_synthese_modification AFTER UPDATE ON observatoire_donnee
       REFERENCING OLD TABLE AS anciennes NEW TABLE AS nouvelles
       FOR EACH STATEMENT EXECUTE FUNCTION observatoire_synthese_maj()""",
    """CREATE TRIGGER observatoire_synthese_suppression AFTER DELETE ON observatoire_donnee
       REFERENCING OLD TABLE AS anciennes FOR EACH STATEMENT EXECUTE FUNCTION observatoire_synthese_maj()""",
    # The pre-aggregate stays exact even when a bulk import turns the per-row foreign-key triggers
    # off for one statement (session_replication_role = replica, see imports/ecriture.py).
    "ALTER TABLE observatoire_donnee ENABLE ALWAYS TRIGGER observatoire_synthese_insertion",
    "ALTER TABLE observatoire_donnee ENABLE ALWAYS TRIGGER observatoire_synthese_modification",
    "ALTER TABLE observatoire_donnee ENABLE ALWAYS TRIGGER observatoire_synthese_suppression",
]
POSTGRESQL_RETOUR = [
    "DROP TRIGGER IF EXISTS observatoire_synthese_insertion ON observatoire_donnee",
    "DROP TRIGGER IF EXISTS observatoire_synthese_modification ON observatoire_donnee",
    "DROP TRIGGER IF EXISTS observatoire_synthese_suppression ON observatoire_donnee",
    "DROP FUNCTION IF EXISTS observatoire_synthese_maj()",
]

AJOUTER_NEW = f"""
    INSERT INTO observatoire_synthesedonnee ({CLE}, nombre, publies, secrets)
    VALUES (NEW.source_id, NEW.territoire_id, NEW.indicateur_id, NEW.annee, COALESCE(NEW.nombre, 0),
            {PUBLIE.format(t="NEW")}, {MASQUE.format(t="NEW")})
    ON CONFLICT ({CLE}) DO UPDATE SET nombre = nombre + excluded.nombre,
        publies = publies + excluded.publies, secrets = secrets + excluded.secrets;"""
CLE_OLD = (
    "source_id = OLD.source_id AND territoire_id = OLD.territoire_id "
    "AND indicateur_id = OLD.indicateur_id AND annee = OLD.annee"
)
RETIRER_OLD = f"""
    UPDATE observatoire_synthesedonnee SET nombre = nombre - COALESCE(OLD.nombre, 0),
        publies = publies - {PUBLIE.format(t="OLD")}, secrets = secrets - {MASQUE.format(t="OLD")}
    WHERE {CLE_OLD};
    DELETE FROM observatoire_synthesedonnee WHERE {CLE_OLD} AND publies = 0 AND secrets = 0;"""
SQLITE = [
    f"CREATE TRIGGER observatoire_synthese_insertion AFTER INSERT ON observatoire_donnee BEGIN {AJOUTER_NEW} END",
    f"CREATE TRIGGER observatoire_synthese_modification AFTER UPDATE ON observatoire_donnee BEGIN "
    f"{RETIRER_OLD} {AJOUTER_NEW} END",
    f"CREATE TRIGGER observatoire_synthese_suppression AFTER DELETE ON observatoire_donnee BEGIN {RETIRER_OLD} END",
]
SQLITE_RETOUR = [
    "DROP TRIGGER IF EXISTS observatoire_synthese_insertion",
    "DROP TRIGGER IF EXISTS observatoire_synthese_modification",
    "DROP TRIGGER IF EXISTS observatoire_synthese_suppression",
]


def _executer(schema_editor, par_moteur):
    instructions = par_moteur.get(schema_editor.connection.vendor)
    if instructions is None:
        raise RuntimeError(f"Moteur non pris en charge : {schema_editor.connection.vendor}")
    for sql in instructions:
        schema_editor.execute(sql, params=None)


def creer(apps, schema_editor):
    _executer(schema_editor, {"postgresql": POSTGRESQL, "sqlite": SQLITE})


def retirer(apps, schema_editor):
    _executer(schema_editor, {"postgresql": POSTGRESQL_RETOUR, "sqlite": SQLITE_RETOUR})


class Migration(migrations.Migration):
    dependencies = [("observatoire", "0005_perf_synthese")]

    operations = [migrations.RunPython(creer, retirer)]
