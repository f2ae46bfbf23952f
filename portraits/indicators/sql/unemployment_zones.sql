-- Localised unemployment rate of the zones d'emploi of each territory (Insee's zones d'emploi
-- workbook): the latest period of the zones (a quarter, or a year for the annual variant) and the
-- same period a year before, whatever the source of the départements. A zone is listed when one of
-- its communes is in the territory (commune_zones: the bundled zone composition); `whole` says
-- whether all its communes of the region are, `interregional` whether it extends beyond the region
-- (the composition names its regional part "Alençon (partie régionale)",
-- shown as "Alençon"). For such a zone the rate is that of its regional part (area_type ZEP, sheet
-- "txcho_parties reg") when loaded, `regional_part` then true (its rate may be missing); else that of the whole zone.
WITH ze AS (SELECT * FROM unemployment WHERE area_type IN ('ZE', 'ZEP')),
kind AS (SELECT coalesce(bool_or(period LIKE '____-T_'), false) AS quarterly FROM ze),
last AS (SELECT max(period) AS p FROM ze, kind WHERE (period LIKE '____-T_') = kind.quarterly),
prev AS (SELECT CAST(CAST(left(p, 4) AS INTEGER) - 1 AS VARCHAR) || substr(p, 5) AS p FROM last),
zone_size AS (SELECT ze_code, count(*) AS n FROM commune_zones GROUP BY ze_code),
tz AS (
    SELECT tc.territory_code AS unit, cz.ze_code, min(cz.ze_name) AS ze_name, count(*) AS n
    FROM territory_communes tc JOIN commune_zones cz USING (commune_code)
    GROUP BY tc.territory_code, cz.ze_code
)
SELECT tz.unit, tz.ze_code, regexp_replace(tz.ze_name, '( \(partie [^)]*\))+$', '') AS ze_name,
       tz.n = zs.n AS whole, tz.ze_name LIKE '% (partie régionale)' AS interregional,
       p.area_code IS NOT NULL AS regional_part, l.p AS period,
       CASE WHEN p.area_code IS NOT NULL THEN p.rate ELSE u.rate END AS rate, pr.p AS period_year_before,
       CASE WHEN p.area_code IS NOT NULL THEN p1.rate ELSE u1.rate END AS rate_year_before
FROM tz JOIN zone_size zs USING (ze_code) CROSS JOIN last l CROSS JOIN prev pr
LEFT JOIN ze u ON u.area_type = 'ZE' AND u.area_code = tz.ze_code AND u.period = l.p
LEFT JOIN ze u1 ON u1.area_type = 'ZE' AND u1.area_code = tz.ze_code AND u1.period = pr.p
LEFT JOIN ze p ON p.area_type = 'ZEP' AND p.area_code = tz.ze_code AND p.period = l.p
LEFT JOIN ze p1 ON p1.area_type = 'ZEP' AND p1.area_code = tz.ze_code AND p1.period = pr.p
WHERE l.p IS NOT NULL
ORDER BY tz.unit, tz.ze_code;
