-- Accord registry schema, version 8: partner registries (docs/federation.md). A registry that
-- follows another one's transparency log mirrors the passports, incident reports and evaluation
-- results it publishes, and records where each came from.
-- Never edit this file once released: add migrations/009_<what>.sql instead.

-- The issuer's public JWK that signed the publish request (its RFC 7638 thumbprint is the
-- passport's kid), served with the passport so that a partner can check the signature itself.
-- NULL for passports published before this version.
ALTER TABLE passports ADD COLUMN issuer_jwk jsonb;

-- Statements mirrored from a partner's log: this registry's log entry, and the partner's log
-- origin and index it was read at. Written in the transaction of the publish.
CREATE TABLE mirrored_statements (
  log_index bigint PRIMARY KEY REFERENCES log_entries (idx),
  origin text NOT NULL,
  partner_index bigint NOT NULL CHECK (partner_index >= 0),
  partner_url text NOT NULL,
  mirrored_at timestamptz NOT NULL,
  UNIQUE (origin, partner_index)
);

-- How far each followed log was read: its last verified checkpoint, and the next entry to read.
CREATE TABLE partner_logs (
  origin text PRIMARY KEY,
  url text NOT NULL,
  checkpoint_size bigint NOT NULL CHECK (checkpoint_size >= 0),
  checkpoint_root text NOT NULL,
  checkpoint_note text NOT NULL,
  verified_at timestamptz NOT NULL,
  next_index bigint NOT NULL CHECK (next_index >= 0)
);

-- Entries of a partner's log whose statement this registry refused, with the reason: recorded
-- once, never retried.
CREATE TABLE partner_refusals (
  origin text NOT NULL,
  partner_index bigint NOT NULL CHECK (partner_index >= 0),
  kind text NOT NULL,
  statement_id text,
  reason text NOT NULL,
  refused_at timestamptz NOT NULL,
  PRIMARY KEY (origin, partner_index)
);
