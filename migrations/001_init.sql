-- Accord registry schema, version 1. Runs unchanged on PostgreSQL (13+) and PGlite.
-- Never edit this file once released: add migrations/002_<what>.sql instead (the checksum of
-- every applied migration is checked at start; see docs/storage.md).

-- The transparency log: dense indexes 0, 1, 2, ... assigned from log_head in the same
-- transaction that inserts the entries. UPDATE log_head takes a row lock, which serialises
-- concurrent appenders; a rolled-back append also rolls back its increment, so no gaps.
CREATE TABLE log_head (
  id smallint PRIMARY KEY CHECK (id = 1),
  size bigint NOT NULL CHECK (size >= 0)
);
INSERT INTO log_head (id, size) VALUES (1, 0);

CREATE TABLE log_entries (
  idx bigint PRIMARY KEY CHECK (idx >= 0),
  kind text NOT NULL
    CHECK (kind IN ('passport', 'revocation', 'endorsement', 'suspension', 'reinstatement')),
  payload bytea NOT NULL,
  leaf_hash bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The log is append-only: refuse UPDATE and DELETE of its entries outright.
CREATE FUNCTION accord_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries
  FOR EACH ROW EXECUTE FUNCTION accord_append_only();

CREATE TABLE checkpoints (
  size bigint PRIMARY KEY CHECK (size >= 0),
  root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32),
  signed_note text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE passports (
  id text PRIMARY KEY,
  issuer text NOT NULL,
  kid text NOT NULL,
  subject_id text NOT NULL,
  system_name text NOT NULL,
  system_version text NOT NULL,
  provider_name text NOT NULL,
  provider_country text,
  jurisdictions text[] NOT NULL,
  categories jsonb NOT NULL,
  token text NOT NULL,
  issuer_jwt_sha256 text NOT NULL UNIQUE CHECK (issuer_jwt_sha256 ~ '^[0-9a-f]{64}$'),
  published_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked', 'suspended')),
  status_reason text,
  status_by_kid text,
  status_updated_at timestamptz,
  log_index bigint UNIQUE REFERENCES log_entries (idx)
);
CREATE INDEX passports_newest ON passports (published_at DESC, id DESC);
CREATE INDEX passports_issuer ON passports (issuer);
CREATE INDEX passports_subject ON passports (subject_id);
CREATE INDEX passports_status ON passports (status);
CREATE INDEX passports_jurisdictions ON passports USING gin (jurisdictions);

-- One row per (jurisdiction, category) of a passport, for search; passports.categories keeps
-- the same data as read.
CREATE TABLE passport_categories (
  passport_id text NOT NULL REFERENCES passports (id) ON DELETE CASCADE,
  jurisdiction text NOT NULL,
  category text NOT NULL,
  PRIMARY KEY (passport_id, jurisdiction, category)
);
CREATE INDEX passport_categories_lookup ON passport_categories (category, jurisdiction);

CREATE TABLE status_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  passport_id text NOT NULL REFERENCES passports (id),
  status text NOT NULL CHECK (status IN ('valid', 'revoked', 'suspended')),
  reason text,
  by_kid text NOT NULL,
  at timestamptz NOT NULL,
  log_index bigint UNIQUE REFERENCES log_entries (idx)
);
CREATE INDEX status_events_passport ON status_events (passport_id, id);

CREATE TABLE status_lists (
  list_id text PRIMARY KEY,
  issuer text NOT NULL,
  token text NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX status_lists_issuer ON status_lists (issuer);

CREATE TABLE endorsements (
  id text PRIMARY KEY,
  passport_id text NOT NULL REFERENCES passports (id),
  endorser_kid text NOT NULL,
  token text NOT NULL,
  published_at timestamptz NOT NULL,
  log_index bigint UNIQUE REFERENCES log_entries (idx)
);
CREATE INDEX endorsements_passport ON endorsements (passport_id, published_at, id);
