/**
 * API keys may expire (`maestro keys create --expires-in 90d`): past `expires_at` a key proves
 * nothing. Additive: a key without one never expires, and a process on the previous version reads
 * the table as before (it ignores the column, so it accepts an expired key until it is upgraded).
 */
export const apiKeyExpiryMigration = {
  id: '0003-api-key-expiry',
  sql: `
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
`,
} as const;
