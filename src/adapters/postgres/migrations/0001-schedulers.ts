/**
 * Schedulers and their versions. A version row holds the whole scheduler definition (spec, ports,
 * autoscaling, forwarders…) as JSON; the scheduler row names the active one. The foreign key from
 * the scheduler to its active version is deferred so both rows are inserted in one transaction.
 */
export const schedulersMigration = {
  id: '0001-schedulers',
  sql: `
CREATE TABLE schedulers (
  name text PRIMARY KEY CHECK (char_length(name) BETWEEN 1 AND 63),
  game text NOT NULL,
  state text NOT NULL CHECK (state IN ('creating', 'in-sync', 'on-error', 'terminating')),
  active_version text NOT NULL,
  last_downscale_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX schedulers_game_idx ON schedulers (game);

CREATE TABLE scheduler_versions (
  scheduler_name text NOT NULL REFERENCES schedulers (name) ON DELETE CASCADE,
  version text NOT NULL,
  definition jsonb NOT NULL,
  rollback_version text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scheduler_name, version)
);

CREATE INDEX scheduler_versions_created_at_idx ON scheduler_versions (scheduler_name, created_at DESC);

ALTER TABLE schedulers
  ADD CONSTRAINT schedulers_active_version_fkey
  FOREIGN KEY (name, active_version) REFERENCES scheduler_versions (scheduler_name, version)
  DEFERRABLE INITIALLY DEFERRED;
`,
} as const;
