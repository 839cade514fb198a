import type { ApiKey } from '../domain/access/api-key';

/** An API key as stored: its listing plus the hash of its secret (never the secret itself). */
export interface StoredApiKey extends ApiKey {
  /** `<scheme>:<base64url digest>`, as `src/app/api-key-secrets.ts` writes and checks it. */
  readonly secretHash: string;
}

/**
 * Where API keys live (PostgreSQL). Every method throws DependencyUnavailableError when the store
 * cannot answer, so the caller answers 503 rather than 401.
 */
export interface ApiKeyStore {
  /**
   * Stores a new key. Throws DomainError ALREADY_EXISTS when the id is taken (64 random bits: the
   * caller generates a new key and tries again).
   */
  create(key: Omit<StoredApiKey, 'createdAt' | 'revokedAt' | 'lastUsedAt'>): Promise<StoredApiKey>;
  /** The key with this id, revoked or not; undefined when there is none. One primary-key read. */
  get(id: string): Promise<StoredApiKey | undefined>;
  /** Every key, revoked ones included, oldest first; no secret hashes. */
  list(): Promise<ApiKey[]>;
  /**
   * Revokes the key: from then on it proves nothing. Idempotent: a revoked key keeps its first
   * revocation time. Returns the key as revoked, or undefined when there is no key with this id.
   */
  revoke(id: string): Promise<ApiKey | undefined>;
  /**
   * Records that these keys proved a request at `at` (never moving last use backwards). Meant to
   * be called in batches, off the request path; unknown ids are ignored.
   */
  recordUse(ids: readonly string[], at: Date): Promise<void>;
}
