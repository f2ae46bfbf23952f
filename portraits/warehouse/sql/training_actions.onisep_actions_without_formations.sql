-- training_actions, part "onisep_actions_without_formations": the Idéo actions without the
-- referential of formations (onisep_formations not loaded): no level, no domain.
INSERT INTO training_actions
SELECT 'voie scolaire', 'onisep_actions', a.action_id, a.uai, p.territory_code,
       NULL::INTEGER, NULL::VARCHAR, NULL::VARCHAR
FROM onisep_actions a LEFT JOIN establishment_territory p USING (uai)
