import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { binDir } from '../../scripts/local-infra/paths';

const run = promisify(execFile);
export const repositoryRoot = path.resolve(__dirname, '../..');

/** The parts of a service that compose-go's JSON (`docker compose config --format json`) has. */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment?: Record<string, string>;
  volumes?: { type: 'volume' | 'bind'; source: string; target: string; read_only?: boolean }[];
  ports?: { target: number; published?: string; protocol: string }[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  init?: boolean;
  pid?: string;
  restart?: string;
}

export interface ComposeProject {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/**
 * docker-compose.yml as `docker compose config` resolves it (compose-go: schema validation,
 * interpolation, anchors, normalisation), with the loader's warnings (e.g. unset variables).
 * Built by scripts/provision/compose-config.sh: no Docker engine or compose plugin exists here.
 */
export async function loadComposeProject(): Promise<{ project: ComposeProject; warnings: string }> {
  const { stdout, stderr } = await run(
    path.join(binDir, 'compose-config'),
    [path.join(repositoryRoot, 'docker-compose.yml')],
    { cwd: repositoryRoot, env: withoutComposeVariables(process.env) },
  );
  return { project: JSON.parse(stdout) as ComposeProject, warnings: stderr };
}

/** The file's defaults, not whatever the developer's shell exports (ROOMS_PUBLIC_HOST…). */
function withoutComposeVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name]) => !name.startsWith('COMPOSE_') && name !== 'ROOMS_PUBLIC_HOST',
    ),
  );
}

/** The host ports a service publishes, each as `host:container/protocol`. */
export function publishedPorts(service: ComposeService): Set<string> {
  return new Set(
    (service.ports ?? []).map((p) => `${p.published ?? ''}:${p.target}/${p.protocol}`),
  );
}
