import { readFileSync } from 'node:fs';
import { CORE_SCHEMA, load } from 'js-yaml';
import {
  convertMaestroV1Config,
  type MaestroV1Conversion,
  type MaestroV1Entry,
} from '../config/maestro-v1-conversion';
import { keyOfVariable } from '../config/maestro-v1-settings';
import { environmentSchema } from '../config/schema';

export const CONFIG_CONVERT_USAGE = `Usage: maestro config convert [--from <config.yaml>] [--from-env]

Prints, as an environment file, the MAESTRO_* settings of maestro equivalent to a Maestro v1
configuration: its config.yaml, its MAESTRO_<PATH> variables from this environment
(MAESTRO_API_PORT, MAESTRO_ADAPTERS_SCHEDULERSTORAGE_POSTGRES_URL…), or both (the
environment wins, as in Maestro). Keys without an equivalent are listed with the reason.

Exit codes: 0 converted; 1 the file cannot be read or is not YAML; 2 usage error;
3 some key is not Maestro's, a value does not fit maestro's setting, or two keys conflict.`;

/** Where the command writes: the environment file to `out`, problems to `err`. */
export interface ConfigConvertOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** `maestro config convert`; returns the exit code (see CONFIG_CONVERT_USAGE). */
export function runConfigConvert(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  output: ConfigConvertOutput,
): number {
  const parsed = parseArguments(args);
  if ('help' in parsed) {
    output.out(CONFIG_CONVERT_USAGE);
    return 0;
  }
  if ('usageError' in parsed) {
    output.err(`maestro config convert: ${parsed.usageError}\n\n${CONFIG_CONVERT_USAGE}`);
    return 2;
  }
  let entries: MaestroV1Entry[];
  try {
    entries = parsed.file ? fileEntries(parsed.file) : [];
  } catch (error) {
    output.err(`maestro config convert: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const fromEnv = parsed.fromEnv ? environmentEntries(env) : { entries: [], ours: [] };
  const conversion = convertMaestroV1Config([...entries, ...fromEnv.entries]);
  output.out(renderConversion(conversion, fromEnv.ours));
  if (conversion.problems.length === 0) return 0;
  output.err(`maestro config convert: ${conversion.problems.length} problem(s), listed above`);
  return 3;
}

function parseArguments(
  args: readonly string[],
): { file?: string; fromEnv: boolean } | { usageError: string } | { help: true } {
  let file: string | undefined;
  let fromEnv = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--from-env') fromEnv = true;
    else if (arg === '--from' && args[i + 1]) file = args[++i];
    else if (arg.startsWith('--from=')) file = arg.slice('--from='.length);
    else return { usageError: `unknown argument "${arg}"` };
  }
  if (!file && !fromEnv) return { usageError: 'give --from <config.yaml>, --from-env, or both' };
  return { file, fromEnv };
}

/** The leaves of Maestro's config.yaml as dotted keys (`api.port`). */
function fileEntries(file: string): MaestroV1Entry[] {
  let document: unknown;
  try {
    document = load(readFileSync(file, 'utf8'), { schema: CORE_SCHEMA });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`cannot read ${file}: ${reason}`, { cause: error });
  }
  if (document === undefined || document === null) return [];
  if (typeof document !== 'object' || Array.isArray(document))
    throw new Error(`${file} is not a YAML mapping of settings`);
  return flatten(document as Record<string, unknown>, '').map(([key, value]) => ({
    key,
    value,
    origin: file,
  }));
}

function flatten(
  node: Record<string, unknown>,
  prefix: string,
): [string, MaestroV1Entry['value']][] {
  return Object.entries(node).flatMap(([name, value]) => {
    const key = `${prefix}${name}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return flatten(value as Record<string, unknown>, `${key}.`);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return [[key, value]];
    return [[key, value === null ? '' : JSON.stringify(value)]];
  });
}

/**
 * Maestro v1's variables in `env`; maestro's own `MAESTRO_*` variables are set aside (kept as
 * they are); any other `MAESTRO_*` name is reported as not Maestro's.
 */
function environmentEntries(env: NodeJS.ProcessEnv) {
  const ours: string[] = [];
  const entries: MaestroV1Entry[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('MAESTRO_') || value === undefined) continue;
    if (name in environmentSchema.shape) ours.push(name);
    else entries.push({ key: keyOfVariable(name) ?? name, value, origin: name });
  }
  return { entries, ours: ours.sort() };
}

function renderConversion(conversion: MaestroV1Conversion, ours: readonly string[]): string {
  const lines = [
    '# maestro settings converted from Maestro v1 (docs/migrating-from-maestro.md)',
    ...conversion.settings.flatMap(({ variable, value, comment }) => [
      `# ${comment}`,
      `${variable}=${value}`,
    ]),
  ];
  if (ours.length > 0)
    lines.push('', '# already maestro settings, kept as they are:', `#   ${ours.join(', ')}`);
  if (conversion.notConverted.length > 0)
    lines.push(
      '',
      '# not converted:',
      ...conversion.notConverted.map(({ key, why }) => `#   ${key}: ${why}`),
    );
  if (conversion.problems.length > 0)
    lines.push(
      '',
      '# problems:',
      ...conversion.problems.map(({ key, message }) => `#   ${key}: ${message}`),
    );
  return lines.join('\n');
}
