-- Training places with coordinates, by territory (map of the training block).
SELECT p.territory_code, o.lon, o.lat, o.apprenticeship
FROM training_offer o JOIN training_place_territory p USING (formation_id, action_id)
WHERE o.lon IS NOT NULL AND p.territory_code IS NOT NULL
ORDER BY p.territory_code, o.formation_id, o.action_id;
