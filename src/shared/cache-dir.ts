import os from 'node:os';
import path from 'node:path';

/**
 * maestro's cache directory on a development or CI machine — the provisioned binaries
 * (scripts/provision/lib.sh resolves the same directory in bash) and the workflow bundles of the
 * sources: `MAESTRO_CACHE_DIR`, else `maestro` under `XDG_CACHE_HOME`, else under `~/.cache`.
 */
export function maestroCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env['MAESTRO_CACHE_DIR'] ??
    path.join(env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache'), 'maestro')
  );
}
