-- training_actions, part "onisep_actions": school-status initial training, the Idéo actions, placed
-- by the establishment of their UAI (establishment_territory), level and domain from the Idéo
-- referential of formations (onisep_formations).
INSERT INTO training_actions
SELECT 'voie scolaire', 'onisep_actions', a.action_id, a.uai, p.territory_code,
       f.rncp_level::INTEGER, f.nsf::VARCHAR, split_part(f.domains::VARCHAR, '|', 1)
FROM onisep_actions a LEFT JOIN establishment_territory p USING (uai)
LEFT JOIN onisep_formations f USING (onisep_id)
