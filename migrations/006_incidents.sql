-- Accord registry schema, version 6: serious-incident reports (EU AI Act Art. 73) about
-- passports, and their transparency-log entry kind `incident`.
-- Never edit this file once released: add migrations/007_<what>.sql instead.

-- As in 002: replace the kind CHECK by one that also allows 'incident'.
ALTER TABLE log_entries DROP CONSTRAINT log_entries_kind_check;
ALTER TABLE log_entries ADD CONSTRAINT log_entries_kind_check
  CHECK (kind IN ('passport', 'revocation', 'endorsement', 'suspension', 'reinstatement',
    'delegation', 'delegation-withdrawal', 'incident'));

CREATE TABLE incident_reports (
  id text PRIMARY KEY,
  incident_id text NOT NULL,
  passport_id text NOT NULL REFERENCES passports (id),
  reporter_kid text NOT NULL,
  reporter_jwk jsonb NOT NULL,
  sequence integer NOT NULL CHECK (sequence >= 1),
  report_kind text NOT NULL CHECK (report_kind IN ('initial', 'follow-up', 'final')),
  serious boolean NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'closed')),
  token text NOT NULL,
  published_at timestamptz NOT NULL,
  log_index bigint UNIQUE REFERENCES log_entries (idx),
  -- One report per sequence number of an incident: of two concurrent follow-ups with the same
  -- sequence, the second to commit is refused.
  UNIQUE (incident_id, sequence),
  CHECK ((sequence = 1) = (report_kind = 'initial'))
);
CREATE INDEX incident_reports_passport ON incident_reports (passport_id, incident_id, sequence);
