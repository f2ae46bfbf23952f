-- training_actions: one row per training action of the region with its route (voie scolaire,
-- apprentissage, formation continue), territory (NULL when not placed), level (2019 nomenclature),
-- NSF speciality and Idéo domain. Empty when no offer was loaded. Filled by its parts
-- (tables.toml): for each dataset, the first part whose datasets are all loaded.
CREATE TABLE training_actions (route VARCHAR, dataset VARCHAR, id VARCHAR, uai VARCHAR,
                               territory_code VARCHAR, level INTEGER, nsf VARCHAR, domain VARCHAR)
