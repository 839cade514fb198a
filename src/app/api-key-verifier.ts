import type { Logger } from 'pino';
import { API_KEY_PREFIX, parseApiKey } from '../domain/access/api-key';
import { AuthenticationError } from '../domain/access/errors';
import { CredentialKind, type Principal } from '../domain/access/principal';
import type { ApiKeyStore, StoredApiKey } from '../ports/api-key-store';
import type { CredentialVerifier } from '../ports/credential-verifier';
import { isSecretOf } from './api-key-secrets';

export interface ApiKeyVerifierOptions {
  /** HMAC key of peppered hashes (`MAESTRO_API_KEY_PEPPER`); empty: plain SHA-256. */
  pepper?: string;
  /** How long a key read from the store is trusted (default 30 s; 0: read it every time). */
  cacheTtlMs?: number;
  /** Keys cached at most; the oldest entry goes first (default 10,000). */
  cacheMaxEntries?: number;
  /** How often last use is written, in one statement for every key used since (default 60 s). */
  lastUseFlushIntervalMs?: number;
  /** Where a failed last-use write is reported (it never fails a request). */
  log?: Pick<Logger, 'warn'>;
  /** The clock, in ms (tests). */
  now?: () => number;
}

const MALFORMED = `malformed API key: expected ${API_KEY_PREFIX}<id>_<secret>`;
/** The same answer for an unknown id and a wrong secret, so callers cannot probe ids. */
const INVALID = 'invalid API key';
/** Only said once the secret matched: the holder learns its key was revoked, no one else does. */
const REVOKED = 'API key revoked';
/** Likewise only to the holder. */
const EXPIRED = 'API key expired';

/**
 * Verifies `mk_<id>_<secret>` API keys against an {@link ApiKeyStore}. A key read from the store
 * is cached for `cacheTtlMs`, so revocation takes up to that long to be seen by a process; the
 * secret is checked against the cached hash on every call. Unknown ids are not cached. Last use is
 * recorded in the background, batched, never on the request path.
 */
export class ApiKeyVerifier implements CredentialVerifier {
  private readonly cache = new Map<string, { key: StoredApiKey; expiresAt: number }>();
  private readonly lookups = new Map<string, Promise<StoredApiKey | undefined>>();
  private readonly usedSinceFlush = new Set<string>();
  private readonly flushTimer: NodeJS.Timeout;
  private readonly pepper: string;
  private readonly cacheTtlMs: number;
  private readonly cacheMaxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly store: ApiKeyStore,
    private readonly options: ApiKeyVerifierOptions = {},
  ) {
    this.pepper = options.pepper ?? '';
    this.cacheTtlMs = options.cacheTtlMs ?? 30_000;
    this.cacheMaxEntries = options.cacheMaxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    this.flushTimer = setInterval(
      () => void this.flushLastUse(),
      options.lastUseFlushIntervalMs ?? 60_000,
    );
    this.flushTimer.unref();
  }

  recognizes(token: string): boolean {
    return token.startsWith(API_KEY_PREFIX);
  }

  async verify(token: string): Promise<Principal> {
    const parts = parseApiKey(token);
    if (!parts) throw new AuthenticationError(MALFORMED);
    const key = await this.find(parts.id);
    if (!key || !isSecretOf(parts.secret, key.secretHash, this.pepper)) {
      throw new AuthenticationError(INVALID);
    }
    if (key.revokedAt) throw new AuthenticationError(REVOKED);
    // Checked on every call, the cached key included: a key expires on time in every process.
    if (key.expiresAt && key.expiresAt.getTime() <= this.now()) {
      throw new AuthenticationError(EXPIRED);
    }
    this.usedSinceFlush.add(key.id);
    return {
      subject: key.subject,
      credentialId: key.id,
      kind: CredentialKind.API_KEY,
      grants: key.grants,
    };
  }

  /** Writes last use of the keys used since the previous write. Failures are logged, not thrown. */
  async flushLastUse(): Promise<void> {
    if (this.usedSinceFlush.size === 0) return;
    const ids = [...this.usedSinceFlush];
    this.usedSinceFlush.clear();
    try {
      await this.store.recordUse(ids, new Date(this.now()));
    } catch (error) {
      this.options.log?.warn({ err: error, keys: ids.length }, 'api key last use not recorded');
    }
  }

  /** Stops the background writes after a last one. */
  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUse();
  }

  private async find(id: string): Promise<StoredApiKey | undefined> {
    const cached = this.cache.get(id);
    if (cached && cached.expiresAt > this.now()) return cached.key;
    this.cache.delete(id);
    // Concurrent calls with the same id share one read.
    let lookup = this.lookups.get(id);
    if (!lookup) {
      lookup = this.store.get(id).finally(() => this.lookups.delete(id));
      this.lookups.set(id, lookup);
    }
    const key = await lookup;
    if (key && this.cacheTtlMs > 0) this.remember(key);
    return key;
  }

  private remember(key: StoredApiKey): void {
    if (this.cache.size >= this.cacheMaxEntries) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(key.id, { key, expiresAt: this.now() + this.cacheTtlMs });
  }
}
