-- The access points of each territory (section "Où s'informer"): network, name, address,
-- contacts and coordinates; territory_code from access_point_territory (warehouse/sql/).
SELECT p.territory_code, a.network, a.id, a.name, a.address, a.postcode, a.town, a.commune_code,
       a.lon, a.lat, a.phone, a.email, a.website, a.url_service_public, a.dataset, p.placed_by
FROM access_points a JOIN access_point_territory p USING (network, id)
WHERE p.territory_code IS NOT NULL
ORDER BY p.territory_code, a.network, a.town, a.name, a.id;
