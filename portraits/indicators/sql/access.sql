-- Where to get advice: SPRO access points placed in territories (access_point_territory), and
-- reach: the share of the population whose commune centre is more than $reach_km km (a setting)
-- from the nearest access point of any network, and of each network (commune_access: warehouse/sql/).
-- A network with no access point in the region's directories has no value (not 100 %).
WITH pop AS (
    SELECT g.unit, sum(c.population) AS population
    FROM geo_units g JOIN communes c ON c.code = g.commune_code GROUP BY g.unit
),
points AS (
    SELECT unit, count(*) AS n
    FROM (SELECT territory_code AS unit FROM access_points_placed
          UNION ALL SELECT '_REGION' FROM access_points_placed)
    GROUP BY unit
),
nearest AS (
    SELECT commune_code, network, km FROM commune_access
    UNION ALL
    SELECT commune_code, 'any', min(km) FROM commune_access GROUP BY commune_code
),
reach AS (
    SELECT g.unit, n.network,
           100.0 * coalesce(sum(c.population) FILTER (WHERE n.km > $reach_km), 0) / nullif(sum(c.population), 0) AS far,
           sum(c.population * n.km) / nullif(sum(c.population), 0) AS mean_km
    FROM geo_units g
    JOIN communes c ON c.code = g.commune_code
    JOIN nearest n ON n.commune_code = g.commune_code
    GROUP BY g.unit, n.network
)
SELECT p.unit, 'access_points' AS indicator, coalesce(pt.n, 0)::DOUBLE AS value
FROM pop p LEFT JOIN points pt USING (unit)
UNION ALL
SELECT unit, CASE network WHEN 'any' THEN 'access_far_share'
                          WHEN 'cio' THEN 'access_far_share_cio'
                          WHEN 'france_travail' THEN 'access_far_share_france_travail'
                          WHEN 'mission_locale' THEN 'access_far_share_mission_locale'
                          WHEN 'cap_emploi' THEN 'access_far_share_cap_emploi'
                          WHEN 'information_jeunesse' THEN 'access_far_share_information_jeunesse'
                          WHEN 'suio' THEN 'access_far_share_suio'
                          WHEN 'apec' THEN 'access_far_share_apec' END, far
FROM reach
UNION ALL
SELECT unit, 'access_mean_km', mean_km FROM reach WHERE network = 'any';
