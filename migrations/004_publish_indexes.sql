-- Accord registry schema, version 4: fewer indexes to update per published passport.
-- Never edit this file once released: add migrations/005_<what>.sql instead.
--
-- Every index on passports is written once per publish, and publishes are what the registry
-- does most (bench/RESULTS.md). Two were not worth it:
-- - passports_issuer: no query filters passports by issuer (searches go by provider, system,
--   jurisdiction, category, status or subject; src/node/store/sql-store.ts).
-- - passports_status: nearly every passport is 'valid', so a search for valid passports walks
--   passports_newest anyway; only a search for revoked or suspended ones needs an index, and a
--   partial one holds just those rows, so publishing a (valid) passport never touches it. A
--   status change moves the row into or out of it.
DROP INDEX passports_issuer;
DROP INDEX passports_status;
CREATE INDEX passports_not_valid ON passports (published_at DESC, id DESC) WHERE status <> 'valid';
