-- Points of the secondary establishments with coordinates, by territory (map of each portrait).
SELECT p.territory_code, e.lon, e.lat
FROM establishments e JOIN establishment_territory p USING (uai)
WHERE e.type IN ('Collège', 'Lycée', 'EREA') AND e.lon IS NOT NULL
ORDER BY p.territory_code, e.uai;
