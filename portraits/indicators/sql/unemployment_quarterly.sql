-- Localised unemployment rates by quarter (Insee's sl_etc workbook, seasonally adjusted): the last
-- 20 quarters (five years) of the départements and région series, for the départements of each
-- territory and for the region. Empty when only the annual averages were loaded.
WITH q AS (
    SELECT DISTINCT period FROM unemployment
    WHERE area_type IN ('DEP', 'REG') AND period LIKE '____-T_' ORDER BY period DESC LIMIT 20
),
deps AS (
    SELECT DISTINCT tc.territory_code AS unit, left(tc.commune_code, 2) AS dep FROM territory_communes tc
)
SELECT d.unit, u.area_type, u.area_code, u.period, u.rate
FROM deps d JOIN unemployment u ON u.area_type = 'DEP' AND u.area_code = d.dep
WHERE u.period IN (SELECT period FROM q)
UNION ALL
SELECT '_REGION', area_type, area_code, period, rate FROM unemployment
WHERE area_type = 'REG' AND period IN (SELECT period FROM q)
ORDER BY 1, 2, 3, 4;
