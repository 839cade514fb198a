/**
 * Where `npm run dev` keeps its state, and the environment its maestro runs with. MAESTRO_DEV_*
 * variables are settings of the dev script, not of maestro (whose strict configuration would
 * reject them), so they stay out of maestro's environment.
 */
import path from 'node:path';

const root = path.resolve(__dirname, '..');

/** .maestro/dev, or MAESTRO_DEV_STATE_DIR. */
export const devStateDir = path.resolve(
  process.env['MAESTRO_DEV_STATE_DIR'] || path.join(root, '.maestro', 'dev'),
);

/** Dev's defaults, which the caller's own MAESTRO_* variables override. */
export const devDefaults: Record<string, string> = {
  MAESTRO_BIND_HOST: '127.0.0.1',
  MAESTRO_LOCAL_RUNTIME_DIR: path.join(devStateDir, 'rooms'),
  // The dev Temporal UI's origins may call the codec endpoint (used only with payload keys).
  MAESTRO_CODEC_CORS_ORIGINS: 'http://127.0.0.1:8233,http://localhost:8233',
  // Readable lines for the person watching the terminal; MAESTRO_LOG_FORMAT=json for JSON.
  MAESTRO_LOG_FORMAT: 'pretty',
};

/** The environment maestro runs with under `npm run dev`. */
export function maestroEnvironment(): NodeJS.ProcessEnv {
  const own = Object.entries(process.env).filter(([name]) => !name.startsWith('MAESTRO_DEV_'));
  return { ...devDefaults, ...Object.fromEntries(own) };
}

/** The local runtime's directory under `npm run dev`. */
export function devRuntimeDir(): string {
  return (
    maestroEnvironment()['MAESTRO_LOCAL_RUNTIME_DIR'] ?? devDefaults['MAESTRO_LOCAL_RUNTIME_DIR']!
  );
}
