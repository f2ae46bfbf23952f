-- training_actions, part "training_offer": continuing training and apprenticeship, the Carif-Oref
-- offer (LHÉO), placed by its coordinates (training_place_territory).
INSERT INTO training_actions
SELECT CASE WHEN o.apprenticeship THEN 'apprentissage' ELSE 'formation continue' END AS route,
       'training_offer' AS dataset, o.formation_id || '/' || o.action_id AS id, NULL::VARCHAR AS uai,
       p.territory_code, o.level::INTEGER AS level, o.nsf::VARCHAR AS nsf, NULL::VARCHAR AS domain
FROM training_offer o JOIN training_place_territory p USING (formation_id, action_id)
