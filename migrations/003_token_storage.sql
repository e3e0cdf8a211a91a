-- Accord registry schema, version 3: how passport tokens are stored.
-- Never edit this file once released: add migrations/004_<what>.sql instead.
--
-- A passport token is about 16 KB of base64url, so PostgreSQL TOASTs it, by default compressed
-- with pglz to about 60% of its size; pglz was most of the database's CPU time per publish
-- (bench/RESULTS.md). lz4 gives the same size at a fraction of the CPU time, where the server was
-- built with it (PostgreSQL 14+, as Debian's packages are). Where it was not (PGlite), tokens are
-- stored uncompressed instead (STORAGE EXTERNAL: out of line, not compressed): about 1.7 times
-- the space, a third less CPU per publish. Either only changes how new rows are written.
-- EXECUTE parses the statement only when it runs, so PostgreSQL 13, which has no SET COMPRESSION
-- (a syntax error there), also takes the second branch.
DO $$
BEGIN
  EXECUTE 'ALTER TABLE passports ALTER COLUMN token SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
  ALTER TABLE passports ALTER COLUMN token SET STORAGE EXTERNAL;
END
$$;
