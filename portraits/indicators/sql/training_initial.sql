-- Initial training under school status (Onisep, Idéo actions de formation, univers lycée): the
-- actions (a formation in an establishment) placed in territories by their establishment (UAI of
-- the annuaire de l'éducation, see warehouse/sql/training_actions.*), by territory and for the region.
WITH a AS (SELECT * FROM training_actions WHERE route = 'voie scolaire' AND territory_code IS NOT NULL),
units AS (
    SELECT territory_code AS unit, * FROM a
    UNION ALL SELECT '_REGION' AS unit, * FROM a
),
c AS (SELECT unit, count(*) AS actions, count(DISTINCT uai) AS establishments FROM units GROUP BY unit),
pop AS (
    SELECT g.unit, sum(cm.population) AS population
    FROM geo_units g JOIN communes cm ON cm.code = g.commune_code GROUP BY g.unit
)
SELECT p.unit, 'initial_actions' AS indicator, coalesce(c.actions, 0)::DOUBLE AS value FROM pop p LEFT JOIN c USING (unit)
UNION ALL SELECT p.unit, 'initial_actions_per_10k', 10000.0 * coalesce(c.actions, 0) / nullif(p.population, 0)
FROM pop p LEFT JOIN c USING (unit)
UNION ALL SELECT p.unit, 'initial_establishments', coalesce(c.establishments, 0)::DOUBLE FROM pop p LEFT JOIN c USING (unit);
