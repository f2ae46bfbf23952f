-- establishments_placed: the rows of establishments with their territory (establishment_territory), for the
-- indicator queries; the rows placed in no territory are left out.
CREATE VIEW establishments_placed AS
SELECT d.*, p.territory_code FROM establishments d
JOIN establishment_territory p USING (uai)
WHERE p.territory_code IS NOT NULL
