import { schedulersMigration } from './0001-schedulers';
import { apiKeysMigration } from './0002-api-keys';
import { apiKeyExpiryMigration } from './0003-api-key-expiry';

export interface Migration {
  /** Sortable, unique and never renamed once released. */
  readonly id: string;
  readonly sql: string;
}

/** Every migration, in the order they apply. Append only: applied migrations must not change. */
export const migrations: readonly Migration[] = [
  schedulersMigration,
  apiKeysMigration,
  apiKeyExpiryMigration,
];
