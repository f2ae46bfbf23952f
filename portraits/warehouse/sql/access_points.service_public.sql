-- access_points, part "service_public": the other networks, from the Annuaire de l'administration
-- (sources/service_public.py).
INSERT INTO access_points
SELECT id, network, name, address, postcode, town, commune_code, lat, lon, phone, email,
       website, url_service_public, 'service_public' AS dataset
FROM service_public
