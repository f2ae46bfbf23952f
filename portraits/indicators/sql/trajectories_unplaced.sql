-- InserJeunes establishments that the education directory does not know (cannot be placed).
SELECT DISTINCT i.uai, i.name FROM inserjeunes i
WHERE i.uai NOT IN (SELECT uai FROM establishment_territory)
ORDER BY i.uai;
