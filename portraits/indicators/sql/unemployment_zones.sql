-- Localised unemployment rate of the zones d'emploi of each territory (Insee workbook): the latest
-- quarter and the same quarter a year before. A zone is listed when one of its communes is in the
-- territory (commune_zones: the bundled zone composition); `whole` says whether all its communes of
-- the region are, `interregional` whether it extends beyond the region (its rate covers the whole
-- zone: the composition names its regional part "Alençon (partie Pays de la Loire) (partie régionale)",
-- shown as "Alençon"). Empty without quarters.
WITH last AS (SELECT max(period) AS p FROM unemployment WHERE period LIKE '____-T_'),
prev AS (SELECT CAST(CAST(left(p, 4) AS INTEGER) - 1 AS VARCHAR) || right(p, 3) AS p FROM last),
zone_size AS (SELECT ze_code, count(*) AS n FROM commune_zones GROUP BY ze_code),
tz AS (
    SELECT tc.territory_code AS unit, cz.ze_code, min(cz.ze_name) AS ze_name, count(*) AS n
    FROM territory_communes tc JOIN commune_zones cz USING (commune_code)
    GROUP BY tc.territory_code, cz.ze_code
)
SELECT tz.unit, tz.ze_code, regexp_replace(tz.ze_name, '( \(partie [^)]*\))+$', '') AS ze_name,
       tz.n = zs.n AS whole, tz.ze_name LIKE '% (partie régionale)' AS interregional,
       l.p AS period, u.rate, pr.p AS period_year_before, u1.rate AS rate_year_before
FROM tz JOIN zone_size zs USING (ze_code) CROSS JOIN last l CROSS JOIN prev pr
LEFT JOIN unemployment u ON u.area_type = 'ZE' AND u.area_code = tz.ze_code AND u.period = l.p
LEFT JOIN unemployment u1 ON u1.area_type = 'ZE' AND u1.area_code = tz.ze_code AND u1.period = pr.p
WHERE l.p IS NOT NULL
ORDER BY tz.unit, tz.ze_code;
