-- access_points, part "cio": the CIO of the Éducation nationale directory (establishments), type
-- "Information et orientation".
INSERT INTO access_points
SELECT uai AS id, 'cio' AS network, name, address::VARCHAR AS address,
       postcode::VARCHAR AS postcode, commune_name AS town, commune_code, lat, lon,
       phone::VARCHAR AS phone, email::VARCHAR AS email, website::VARCHAR AS website,
       NULL::VARCHAR AS url_service_public,
       'establishments' AS dataset
FROM establishments WHERE type = 'Information et orientation'
