-- Trajectories: InserJeunes outcomes of vocational lycées, latest millésime, "ensemble" lines.
-- A territory's value is the median over its establishments with a published rate; an
-- establishment is attached to a territory through the education directory (UAI -> place), to a
-- département (_DEP44) through the directory's commune code.
WITH latest AS (SELECT max(millesime) AS m FROM inserjeunes WHERE route = 'pro'),
ij AS (
    SELECT i.uai, i.employment_rate_6m, i.further_study_rate, p.territory_code
    FROM inserjeunes i
    JOIN establishment_territory p USING (uai)
    WHERE i.route = 'pro' AND i.population = 'ensemble' AND i.millesime = (SELECT m FROM latest)
),
units AS (
    SELECT territory_code AS unit, * FROM ij
    UNION ALL
    SELECT '_REGION' AS unit, * FROM ij
    UNION ALL
    SELECT g.unit, ij.* FROM ij JOIN establishments e USING (uai)
    JOIN geo_units g ON g.commune_code = e.commune_code AND starts_with(g.unit, '_DEP')
),
all_units AS (SELECT DISTINCT unit FROM geo_units)
SELECT a.unit, 'ij_employment_6m' AS indicator, median(u.employment_rate_6m)::DOUBLE AS value
FROM all_units a LEFT JOIN units u USING (unit) GROUP BY a.unit
UNION ALL
SELECT a.unit, 'ij_further_study', median(u.further_study_rate)::DOUBLE
FROM all_units a LEFT JOIN units u USING (unit) GROUP BY a.unit
UNION ALL
SELECT a.unit, 'ij_establishments', count(u.employment_rate_6m)::DOUBLE
FROM all_units a LEFT JOIN units u USING (unit) GROUP BY a.unit;
