-- Continuing-training offer (Carif-Oref, LHÉO): training actions (one per place) placed in
-- territories by their coordinates (commune as fallback), by territory and for the region.
WITH placed AS (SELECT * FROM training_offer_placed),
units AS (
    SELECT territory_code AS unit, * FROM placed
    UNION ALL SELECT '_REGION' AS unit, * FROM placed
),
c AS (
    SELECT unit, count(*) AS actions, count(*) FILTER (WHERE apprenticeship) AS apprenticeship,
           count(DISTINCT organism_siret) AS organisms
    FROM units GROUP BY unit
),
pop AS (
    SELECT g.unit, sum(cm.population) AS population
    FROM geo_units g JOIN communes cm ON cm.code = g.commune_code GROUP BY g.unit
)
SELECT p.unit, 'training_actions' AS indicator, coalesce(c.actions, 0)::DOUBLE AS value FROM pop p LEFT JOIN c USING (unit)
UNION ALL SELECT p.unit, 'training_actions_per_10k', 10000.0 * coalesce(c.actions, 0) / nullif(p.population, 0)
FROM pop p LEFT JOIN c USING (unit)
UNION ALL SELECT unit, 'training_apprenticeship_share', 100.0 * apprenticeship / nullif(actions, 0) FROM c
UNION ALL SELECT p.unit, 'training_organisms', coalesce(c.organisms, 0)::DOUBLE FROM pop p LEFT JOIN c USING (unit);
