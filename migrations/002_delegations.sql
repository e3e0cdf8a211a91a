-- Accord registry schema, version 2: delegations (an issuer key authorising another key to
-- change the status of its passports), and their two transparency-log entry kinds.
-- Never edit this file once released: add migrations/003_<what>.sql instead.

-- 001 named the kinds in an inline CHECK (PostgreSQL names it log_entries_kind_check). Adding
-- the new check validates the existing rows by reading them, so the append-only trigger is not
-- involved.
ALTER TABLE log_entries DROP CONSTRAINT log_entries_kind_check;
ALTER TABLE log_entries ADD CONSTRAINT log_entries_kind_check
  CHECK (kind IN ('passport', 'revocation', 'endorsement', 'suspension', 'reinstatement',
    'delegation', 'delegation-withdrawal'));

CREATE TABLE delegations (
  id text PRIMARY KEY,
  issuer_kid text NOT NULL,
  delegate_kid text NOT NULL CHECK (delegate_kid <> issuer_kid),
  delegate_jwk jsonb NOT NULL,
  scope text NOT NULL CHECK (scope IN ('status')),
  name text,
  created_at timestamptz NOT NULL,
  log_index bigint UNIQUE REFERENCES log_entries (idx),
  withdrawn_at timestamptz,
  withdrawal_log_index bigint UNIQUE REFERENCES log_entries (idx)
);
CREATE INDEX delegations_issuer ON delegations (issuer_kid, created_at, id);
-- At most one active delegation per (issuer, delegate, scope): a second grant is a conflict,
-- also when two arrive at once.
CREATE UNIQUE INDEX delegations_active ON delegations (issuer_kid, delegate_kid, scope)
  WHERE withdrawn_at IS NULL;
