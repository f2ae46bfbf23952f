-- Training organisms of the DGEFP public list (region), to name the organisms of the offer.
SELECT siret, any_value(name) AS name, bool_or(qualiopi_training) AS qualiopi
FROM organisms GROUP BY siret ORDER BY siret;
