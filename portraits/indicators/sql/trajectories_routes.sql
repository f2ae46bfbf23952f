-- Trajectories by route, from the InserJeunes files by establishment (millésime of the latest
-- lycée file; the latest of any file when no lycée file was given): for each territory and the
-- region, the median of the rates published for
--   school pupils ("school"): the lycées' "dont élèves en voie pro sco" lines;
--   apprentices ("apprentices"): the CFA lines and the lycées' "dont apprentis" lines,
-- and the number of establishments behind each median. These files publish rates, never the
-- number of leavers: counts exist only by region and formation (ij_region_routes.sql).
-- An establishment is attached to a territory through the education directory.
WITH latest AS (
    SELECT coalesce(max(millesime) FILTER (WHERE route = 'pro'), max(millesime)) AS m FROM inserjeunes
),
lines AS (
    SELECT CASE WHEN i.route = 'pro' AND i.population = 'scolaires' THEN 'school'
                WHEN i.route = 'pro' AND i.population = 'apprentis' THEN 'apprentices'
                WHEN i.route = 'apprentissage' AND i.population = 'ensemble' THEN 'apprentices' END AS route,
           i.employment_rate_6m, i.employment_rate_12m, i.further_study_rate, p.territory_code
    FROM inserjeunes i
    JOIN establishment_territory p USING (uai)
    WHERE i.millesime = (SELECT m FROM latest)
),
measures AS (
    SELECT territory_code, route, 'employment_6m' AS measure, employment_rate_6m AS rate FROM lines
    UNION ALL SELECT territory_code, route, 'employment_12m', employment_rate_12m FROM lines WHERE route = 'apprentices'
    UNION ALL SELECT territory_code, route, 'further_study', further_study_rate FROM lines
),
units AS (
    SELECT territory_code AS unit, route, measure, rate FROM measures WHERE route IS NOT NULL
    UNION ALL
    SELECT '_REGION', route, measure, rate FROM measures WHERE route IS NOT NULL
),
-- Each (route, measure) with the ids of its median and of its number of establishments.
wanted AS (
    SELECT * FROM (VALUES
        ('school', 'employment_6m', 'ij_employment_6m_school', 'ij_establishments_employment_6m_school'),
        ('school', 'further_study', 'ij_further_study_school', 'ij_establishments_further_study_school'),
        ('apprentices', 'employment_6m', 'ij_employment_6m_apprentices', 'ij_establishments_employment_6m_apprentices'),
        ('apprentices', 'employment_12m', 'ij_employment_12m_apprentices',
         'ij_establishments_employment_12m_apprentices'),
        ('apprentices', 'further_study', 'ij_further_study_apprentices', 'ij_establishments_further_study_apprentices')
    ) AS w(route, measure, median_id, count_id)
),
grid AS (SELECT DISTINCT g.unit, w.* FROM geo_units g CROSS JOIN wanted w)
SELECT g.unit, g.median_id AS indicator, median(u.rate)::DOUBLE AS value
FROM grid g LEFT JOIN units u USING (unit, route, measure) GROUP BY ALL
UNION ALL
SELECT g.unit, g.count_id, count(u.rate)::DOUBLE
FROM grid g LEFT JOIN units u USING (unit, route, measure) GROUP BY ALL;
