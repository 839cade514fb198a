/**
 * API keys of the Management API and of matchmakers. The secret is never stored: `secret_hash`
 * holds `<scheme>:<digest>` (SHA-256, or HMAC-SHA-256 with the server's pepper). `grants` is the
 * key's `Grant[]` as JSON (`[{"role":"admin","game":"tennis"}]`).
 */
export const apiKeysMigration = {
  id: '0002-api-keys',
  sql: `
CREATE TABLE api_keys (
  id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
  subject text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 200),
  grants jsonb NOT NULL CHECK (jsonb_typeof(grants) = 'array'),
  secret_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_used_at timestamptz
);
`,
} as const;
