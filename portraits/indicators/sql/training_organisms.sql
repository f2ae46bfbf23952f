-- Training organisms of each territory (by the places of their actions), named from the DGEFP
-- public list when it is loaded (organisms), with the number of actions and Qualiopi status.
SELECT territory_code AS unit, organism_siret, count(*) AS actions, min(town) AS town
FROM training_offer_placed GROUP BY ALL
ORDER BY unit, actions DESC, organism_siret;
