import { parseArgs } from 'node:util';
import { subjectProblem } from '../domain/access/subject';
import { readGrant } from '../domain/access/grants';
import type { Grant } from '../domain/access/principal';

export const KEYS_USAGE = `Usage: maestro keys <create|list|revoke>

  keys create --subject <name> --grant <role:game> [--grant <role:game>…]
              [--expires-in <duration>] [--json]
                   make an API key and print it once (only its hash is stored);
                   role: viewer, operator, admin or matchmaker; game: a game or * for all;
                   --expires-in: 30m, 12h, 90d… (at most 3650d); without it the key never expires
  keys list [--json]
                   every key: id, subject, grants, created, last used, expires, revoked
                   (no secrets)
  keys revoke <id> revoke a key (idempotent); running processes stop accepting it within
                   MAESTRO_API_KEY_CACHE_TTL_MS

Keys are stored in the PostgreSQL database of MAESTRO_POSTGRES_URL (run \`maestro migrate\` first).`;

/** What `maestro keys …` was asked to do. */
export type KeysCommand =
  | {
      readonly action: 'create';
      readonly subject: string;
      readonly grants: readonly Grant[];
      /** The key expires this long after its creation; absent: never. */
      readonly expiresInMs?: number;
      readonly isJson: boolean;
    }
  | { readonly action: 'list'; readonly isJson: boolean }
  | { readonly action: 'revoke'; readonly id: string }
  | { readonly action: 'help' };

/** A usage error: the message names the flag or argument and the rule it breaks. */
export interface KeysUsageError {
  readonly usageError: string;
}

/** Reads `maestro keys` arguments (after `keys`), or says what is wrong with them. */
export function parseKeysArguments(args: readonly string[]): KeysCommand | KeysUsageError {
  const [action, ...rest] = args;
  try {
    switch (action) {
      case 'create':
        return parseCreate(rest);
      case 'list':
        return {
          action: 'list',
          isJson: parseOptions(rest, { json: BOOLEAN }).values.json === true,
        };
      case 'revoke':
        return parseRevoke(rest);
      case 'help':
      case '--help':
      case '-h':
        return { action: 'help' };
      case undefined:
        return { usageError: 'expected a subcommand: create, list or revoke' };
      default:
        return { usageError: `unknown subcommand "${action}": expected create, list or revoke` };
    }
  } catch (error) {
    // parseArgs names the unknown option or the missing value.
    return { usageError: error instanceof Error ? error.message : String(error) };
  }
}

function parseCreate(args: readonly string[]): KeysCommand | KeysUsageError {
  const { values } = parseOptions(args, {
    subject: { type: 'string' },
    grant: { type: 'string', multiple: true },
    'expires-in': { type: 'string' },
    json: BOOLEAN,
  });
  const subject = values.subject;
  if (typeof subject !== 'string') return { usageError: '--subject is required' };
  const problem = subjectProblem(subject);
  if (problem) return { usageError: `--subject ${problem}` };
  const texts = Array.isArray(values.grant) ? values.grant.map(String) : [];
  if (texts.length === 0) {
    return { usageError: '--grant is required (at least one role:game, e.g. admin:tennis)' };
  }
  const grants: Grant[] = [];
  for (const text of texts) {
    const grant = readGrant(text);
    if ('problem' in grant) return { usageError: `--grant ${grant.problem}` };
    const isDuplicate = grants.some((g) => g.role === grant.role && g.game === grant.game);
    if (!isDuplicate) grants.push(grant);
  }
  const expiresIn = values['expires-in'];
  const expiresInMs = typeof expiresIn === 'string' ? lifetimeMs(expiresIn) : undefined;
  if (typeof expiresInMs === 'string') return { usageError: `--expires-in ${expiresInMs}` };
  return {
    action: 'create',
    subject,
    grants,
    ...(expiresInMs !== undefined && { expiresInMs }),
    isJson: values.json === true,
  };
}

const LIFETIME_UNITS_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
/** Ten years: a longer lifetime is a key that never expires in all but name. */
const MAX_LIFETIME_MS = 3_650 * LIFETIME_UNITS_MS['d']!;

/** `30m`, `12h`, `90d` → milliseconds; otherwise the rule it breaks. */
function lifetimeMs(text: string): number | string {
  const match = /^([1-9]\d*)(m|h|d)$/.exec(text);
  if (!match) return `"${text}": expected a whole number of minutes, hours or days (30m, 12h, 90d)`;
  const ms = Number(match[1]) * LIFETIME_UNITS_MS[match[2]!]!;
  return ms > MAX_LIFETIME_MS ? `"${text}": must be at most 3650d` : ms;
}

function parseRevoke(args: readonly string[]): KeysCommand | KeysUsageError {
  const { positionals } = parseOptions(args, {}, true);
  if (positionals.length !== 1) {
    return { usageError: `revoke expects one key id, got ${positionals.length} arguments` };
  }
  return { action: 'revoke', id: positionals[0]! };
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

const BOOLEAN = { type: 'boolean' } as const;

function parseOptions(args: readonly string[], options: OptionSpec, allowPositionals = false) {
  return parseArgs({
    args: [...args],
    options,
    strict: true,
    allowPositionals,
  });
}
