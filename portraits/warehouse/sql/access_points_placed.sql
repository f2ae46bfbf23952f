-- access_points_placed: the rows of access_points with their territory (access_point_territory), for the
-- indicator queries; the rows placed in no territory are left out.
CREATE VIEW access_points_placed AS
SELECT d.*, p.territory_code FROM access_points d
JOIN access_point_territory p USING (network, id)
WHERE p.territory_code IS NOT NULL
