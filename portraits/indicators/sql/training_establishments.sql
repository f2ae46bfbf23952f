-- Lycées and EREA of each territory (annuaire de l'éducation, placed by their coordinates) with the
-- number of formations they teach under school status (distinct Idéo formations of their actions).
WITH f AS (SELECT uai, count(DISTINCT onisep_id) AS formations FROM onisep_actions GROUP BY uai)
SELECT p.territory_code AS unit, e.uai, e.name, e.commune_name AS town, e.type, e.status,
       coalesce(f.formations, 0) AS formations
FROM establishments e JOIN establishment_territory p USING (uai)
LEFT JOIN f USING (uai)
WHERE e.type IN ('Lycée', 'EREA') AND p.territory_code IS NOT NULL
ORDER BY unit, formations DESC, e.name, e.uai;
