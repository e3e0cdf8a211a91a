-- Accord registry schema, version 7: evaluation results about passports, and their
-- transparency-log entry kind `evaluation`.
-- Never edit this file once released: add migrations/008_<what>.sql instead.

-- As in 006: replace the kind CHECK by one that also allows 'evaluation'.
ALTER TABLE log_entries DROP CONSTRAINT log_entries_kind_check;
ALTER TABLE log_entries ADD CONSTRAINT log_entries_kind_check
  CHECK (kind IN ('passport', 'revocation', 'endorsement', 'suspension', 'reinstatement',
    'delegation', 'delegation-withdrawal', 'incident', 'evaluation'));

CREATE TABLE evaluation_results (
  id text PRIMARY KEY,
  passport_id text NOT NULL REFERENCES passports (id),
  evaluator_kid text NOT NULL,
  evaluator_jwk jsonb NOT NULL,
  -- What the result states, for lists: the method's name and version, when it was run, and how
  -- many of its metrics have a threshold and how many of those met it.
  method text NOT NULL,
  performed_at text NOT NULL,
  metrics integer NOT NULL CHECK (metrics >= 1),
  thresholds integer NOT NULL CHECK (thresholds >= 0 AND thresholds <= metrics),
  thresholds_met integer NOT NULL CHECK (thresholds_met >= 0 AND thresholds_met <= thresholds),
  token text NOT NULL,
  published_at timestamptz NOT NULL,
  log_index bigint UNIQUE REFERENCES log_entries (idx)
);
CREATE INDEX evaluation_results_passport ON evaluation_results (passport_id, published_at, id);
