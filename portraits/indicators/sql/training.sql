-- Training: initial-training establishments of the second degree, placed in territories by
-- their coordinates (commune code as fallback), see warehouse/sql/establishment_territory.sql;
-- in a département (_DEP44) by their commune code.
WITH placed AS (
    SELECT e.*, p.territory_code
    FROM establishments e JOIN establishment_territory p USING (uai)
    WHERE e.type IN ('Collège', 'Lycée', 'EREA')
),
units AS (
    SELECT territory_code AS unit, * FROM placed
    UNION ALL
    SELECT '_REGION' AS unit, * FROM placed
    UNION ALL
    SELECT g.unit, p.* FROM placed p JOIN geo_units g ON g.commune_code = p.commune_code AND starts_with(g.unit, '_DEP')
),
counts AS (
    SELECT unit,
           count(*) AS schools,
           count(*) FILTER (WHERE type = 'Lycée') AS lycees,
           count(*) FILTER (WHERE vocational AND type IN ('Lycée', 'EREA')) AS lycees_pro,
           count(vocational) AS known_vocational
    FROM units GROUP BY unit
),
pop AS (
    SELECT g.unit, sum(c.population) AS population
    FROM geo_units g JOIN communes c ON c.code = g.commune_code GROUP BY g.unit
)
SELECT p.unit, 'schools' AS indicator, coalesce(c.schools, 0)::DOUBLE AS value FROM pop p LEFT JOIN counts c USING (unit)
UNION ALL
SELECT p.unit, 'lycees', coalesce(c.lycees, 0)::DOUBLE FROM pop p LEFT JOIN counts c USING (unit)
UNION ALL
-- The directory's GeoParquet extract has no "voie professionnelle" field: then no value.
SELECT p.unit, 'lycees_pro', CASE WHEN (SELECT count(vocational) FROM establishments) > 0
                                  THEN coalesce(c.lycees_pro, 0)::DOUBLE END
FROM pop p LEFT JOIN counts c USING (unit)
UNION ALL
SELECT p.unit, 'lycees_per_10k', 10000.0 * coalesce(c.lycees, 0) / nullif(p.population, 0)
FROM pop p LEFT JOIN counts c USING (unit);
