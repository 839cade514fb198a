/**
 * Scheduler version numbers. A change is major when existing rooms no longer match the new
 * definition and must be replaced (a rolling update after a validation room); any other change is
 * minor and takes effect without touching rooms.
 */
import type { Scheduler } from './scheduler';
import { FIRST_VERSION } from './scheduler';

/**
 * Deep equality of plain JSON values where an absent field, `undefined`, `[]` and `{}` are all the
 * same (stored definitions are normalised, requests are not).
 */
export function isEquivalent(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(normalise);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value)
    .map(([key, field]) => [key, normalise(field)] as const)
    .filter(([, field]) => field !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** What rooms are built from: a difference here means rooms must be replaced. */
function roomDefinition(scheduler: Scheduler) {
  const { version: _version, ...spec } = scheduler.spec;
  return {
    spec,
    portRange: scheduler.portRange,
    annotations: scheduler.annotations,
    labels: scheduler.labels,
  };
}

/**
 * Whether going from `current` to `next` is a major version. Major: anything in `spec` but its
 * version (containers and their ports, grace period, toleration, affinity, restartPolicy),
 * `portRange`, `annotations` and `labels`. Minor: `maxSurge`, `roomsReplicas`, `autoscaling`,
 * `matchAllocation` and `forwarders` (Maestro calls forwarder changes major; we follow its docs).
 */
export function isMajorChange(current: Scheduler, next: Scheduler): boolean {
  return !isEquivalent(roomDefinition(current), roomDefinition(next));
}

interface ParsedVersion {
  major: number;
  minor: number;
}

function parseVersion(version: string): ParsedVersion | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.\d+)?(?:[-+].*)?$/.exec(version);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2] ?? 0) };
}

/**
 * Whether rooms of version `roomVersion` must be replaced to run `activeVersion`: their major
 * numbers differ (every major change gets a new major number). Unparsable versions differ.
 */
export function isOtherMajor(roomVersion: string, activeVersion: string): boolean {
  const room = parseVersion(roomVersion);
  const active = parseVersion(activeVersion);
  return !room || !active || room.major !== active.major;
}

/**
 * The version after `existing` (every version the scheduler ever had): major → the highest major
 * plus one (`v3.0.0`); minor → the highest minor within the highest major plus one (`v2.4.0`).
 * Keeps Maestro's `v` prefix; `v1.0.0` when there is none yet.
 */
export function nextVersion(existing: readonly string[], isMajor: boolean): string {
  const parsed = existing.map(parseVersion).filter((v) => v !== undefined);
  if (parsed.length === 0) return FIRST_VERSION;
  const major = Math.max(...parsed.map((v) => v.major));
  if (isMajor) return `v${major + 1}.0.0`;
  const minor = Math.max(...parsed.filter((v) => v.major === major).map((v) => v.minor));
  return `v${major}.${minor + 1}.0`;
}
