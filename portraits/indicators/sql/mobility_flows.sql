-- Main flows between a territory and the other territories / outside the region (both ways),
-- latest year of each kind: the tables and the chart of the mobility block.
WITH f AS (
    SELECT m.kind, m.flow, o.territory_code AS from_t, d.territory_code AS to_t
    FROM mobility m
    LEFT JOIN territory_communes o ON o.commune_code = m.origin
    LEFT JOIN territory_communes d ON d.commune_code = m.destination
    WHERE m.year = (SELECT max(year) FROM mobility x WHERE x.kind = m.kind)
),
names AS (SELECT DISTINCT territory_code, territory_name FROM territory_communes)
SELECT 'out' AS direction, f.kind, f.from_t AS unit, coalesce(f.to_t, '_OUT') AS other,
       coalesce(n.territory_name, 'Hors région') AS other_name, sum(f.flow) AS flow
FROM f LEFT JOIN names n ON n.territory_code = f.to_t
WHERE f.from_t IS NOT NULL AND f.to_t IS DISTINCT FROM f.from_t
GROUP BY ALL
UNION ALL
SELECT 'in', f.kind, f.to_t, coalesce(f.from_t, '_OUT'), coalesce(n.territory_name, 'Hors région'), sum(f.flow)
FROM f LEFT JOIN names n ON n.territory_code = f.from_t
WHERE f.to_t IS NOT NULL AND f.from_t IS DISTINCT FROM f.to_t
GROUP BY ALL
ORDER BY unit, direction, kind, flow DESC, other;
