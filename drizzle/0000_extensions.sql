-- Custom SQL migration: extensions the catalog search needs (on Postgres and PGlite).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
