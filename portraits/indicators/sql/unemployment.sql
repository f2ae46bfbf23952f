-- Localised unemployment rates (Insee), latest annual average, for the region and the départements
-- of each territory (a benchmark: the rate is not published for our territories). Annual averages
-- of the départements and région only ("2023", the CSV extracts): the quarters ("2025-T2") and the
-- zones d'emploi have their own queries (unemployment_*).
WITH last AS (
    SELECT max(period) AS p FROM unemployment WHERE area_type IN ('DEP', 'REG') AND length(period) = 4
),
deps AS (
    SELECT DISTINCT tc.territory_code AS unit, left(tc.commune_code, 2) AS dep FROM territory_communes tc
)
SELECT d.unit, u.area_type, u.area_code, u.period, u.rate
FROM deps d JOIN unemployment u ON u.area_type = 'DEP' AND u.area_code = d.dep
WHERE u.period = (SELECT p FROM last)
UNION ALL
SELECT '_REGION', area_type, area_code, period, rate FROM unemployment
WHERE area_type = 'REG' AND period = (SELECT p FROM last)
ORDER BY 1, 2, 3;
