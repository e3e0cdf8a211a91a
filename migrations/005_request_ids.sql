-- Accord registry schema, version 5: the signed requests seen, so that none is accepted twice.
-- Never edit this file once released: add migrations/006_<what>.sql instead.
--
-- Every signed write (docs/api.md, "Signed requests") carries a nonce, its jti; the registry
-- accepts each (key, jti) once while the request's iat is inside the acceptance window. Kept
-- here rather than in a server's memory, a request cannot be replayed after a restart or at
-- another server process sharing this database. A server records an id with
-- INSERT ... ON CONFLICT, atomic under concurrency: of two identical requests, on one server or
-- on two, exactly one gets the row. expires_at is in seconds since the epoch (the server's
-- clock); servers delete the rows that expired a while ago (src/node/store/sql-store.ts), so
-- the table holds only the last minutes of requests.
CREATE TABLE request_ids (
  id text PRIMARY KEY,
  expires_at bigint NOT NULL
);
CREATE INDEX request_ids_expires ON request_ids (expires_at);
