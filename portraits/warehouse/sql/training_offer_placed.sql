-- training_offer_placed: the rows of training_offer with their territory (training_place_territory), for the
-- indicator queries; the rows placed in no territory are left out.
CREATE VIEW training_offer_placed AS
SELECT d.*, p.territory_code FROM training_offer d
JOIN training_place_territory p USING (formation_id, action_id)
WHERE p.territory_code IS NOT NULL
