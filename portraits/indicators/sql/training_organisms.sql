-- Training organisms of each territory (by the places of their actions), named from the DGEFP
-- public list when it is loaded (organisms), with the number of actions and Qualiopi status.
WITH placed AS (
    SELECT o.organism_siret, o.town, p.territory_code AS unit FROM training_offer o
    JOIN training_place_territory p USING (formation_id, action_id)
    WHERE p.territory_code IS NOT NULL
)
SELECT unit, organism_siret, count(*) AS actions, min(town) AS town
FROM placed GROUP BY ALL
ORDER BY unit, actions DESC, organism_siret;
