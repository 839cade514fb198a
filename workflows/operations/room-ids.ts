const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * A new room id as Maestro makes them, `<scheduler name cut to 58>-<5 characters>`. Decided in
 * workflow code (its Math.random is deterministic and replayed), so a retried creation step
 * creates the same rooms, never more.
 */
export function newRoomId(schedulerName: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return `${schedulerName.slice(0, 58)}-${suffix}`;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
