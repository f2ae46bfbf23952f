-- The communes of each territory farthest from any access point, with the nearest one.
WITH nearest AS (
    SELECT commune_code, min(km) AS km, arg_min(network, (km, id)) AS network,
           arg_min(nearest_name, (km, id)) AS nearest_name, arg_min(nearest_town, (km, id)) AS nearest_town
    FROM (SELECT *, nearest_id AS id FROM commune_access) GROUP BY commune_code
)
SELECT tc.territory_code, c.code, c.name, c.population, n.km, n.network, n.nearest_name, n.nearest_town
FROM territory_communes tc
JOIN communes c ON c.code = tc.commune_code
JOIN nearest n ON n.commune_code = tc.commune_code
QUALIFY row_number() OVER (PARTITION BY tc.territory_code ORDER BY n.km DESC, c.code) <= 5
ORDER BY tc.territory_code, n.km DESC, c.code;
