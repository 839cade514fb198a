import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['json', 'pretty'] as const;

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const port = () => integer(0, 65535);

const ratio = () =>
  z.coerce
    .number({ error: 'must be a number from 0 to 1' })
    .min(0, { error: 'must be a number from 0 to 1' })
    .max(1, { error: 'must be a number from 0 to 1' });

const url = (protocols: readonly string[]) =>
  z.string().refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
    error: (issue) =>
      typeof issue.input === 'string' && URL.canParse(issue.input)
        ? `must use ${protocols.map((p) => `${p}//`).join(' or ')}`
        : 'must be a URL',
  });

const text = () => z.string();

const boolean = () => z.enum(['true', 'false'], { error: 'must be true or false' });

const hostPort = () => z.string().regex(/^[^\s:]+:\d{1,5}$/, { error: 'must be host:port' });

const hostPortList = () =>
  z.string().regex(/^[^\s:,]+:\d{1,5}(,[^\s:,]+:\d{1,5})*$/, {
    error: 'must be comma-separated host:port',
  });

/** Asymmetric JWT signature algorithms OpenID Connect tokens may use (MAESTRO_OIDC_ALGORITHMS). */
export const JWT_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** The ways maestro connects to Redis (MAESTRO_REDIS_MODE). */
export const REDIS_MODES = ['standalone', 'cluster', 'sentinel'] as const;

/**
 * What the CLI's client commands read (docs/cli.md): the servers to talk to and the credential,
 * each also a flag and a profile entry. Part of {@link environmentSchema} so that modules started
 * in the same environment accept them.
 */
export const cliClientVariables = z.object({
  MAESTRO_SERVER: url(['http:', 'https:'])
    .default('')
    .describe(
      "CLI only: the Management API's HTTP address for `maestro schedulers` and `maestro operations` (unset: the profile's, else http://localhost:8080).",
    ),
  MAESTRO_ROOMS_SERVER: url(['http:', 'https:'])
    .default('')
    .describe(
      "CLI only: the Rooms API's HTTP address for the CLI's room commands (unset: the profile's, else http://localhost:8070).",
    ),
  MAESTRO_TOKEN: z
    .string()
    .default('')
    .describe(
      'CLI only: the credential the client commands send as a bearer token (an API key or an OpenID Connect token).',
    ),
  MAESTRO_PROFILE: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must match [A-Za-z0-9._-]{1,64}' })
    .default('')
    .describe(
      'CLI only: the profile of ~/.config/maestro/cli.yaml the client commands use (default: its `current`).',
    ),
});

/**
 * Every setting maestro reads, as `MAESTRO_*` environment variables. This object is the single
 * source of truth: parsing, defaults, the README's configuration table and `maestro config` all
 * derive from it. Unknown `MAESTRO_*` variables are rejected, so a typo never goes unnoticed. Values
 * arrive as strings; the loader drops empty ones, so an empty variable means its default.
 */
export const environmentSchema = z
  .object({
    MAESTRO_LOG_LEVEL: z
      .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
      .default('info')
      .describe('Minimum level of the logs written to stdout.'),
    MAESTRO_LOG_FORMAT: z
      .enum(LOG_FORMATS, { error: `must be one of ${LOG_FORMATS.join(', ')}` })
      .default('json')
      .describe(
        'Logs on stdout: `json` (one JSON object per line, for collectors) or `pretty` (one readable, colored line each, for people; `npm run dev` uses it unless this is set).',
      ),
    MAESTRO_BIND_HOST: text()
      .default('0.0.0.0')
      .describe('Address every HTTP and gRPC server (APIs and internal ports) listens on.'),
    MAESTRO_SHUTDOWN_TIMEOUT_MS: integer(0, 600_000)
      .default(30_000)
      .describe('How long a module may drain on SIGTERM/SIGINT before it is forced to exit 1.'),
    MAESTRO_READINESS_TIMEOUT_MS: integer(1, 60_000)
      .default(2_000)
      .describe('Timeout of each dependency check behind /readyz.'),
    MAESTRO_POSTGRES_URL: url(['postgres:', 'postgresql:'])
      .default('postgres://maestro:maestro@127.0.0.1:5432/maestro')
      .describe('PostgreSQL connection URL (schedulers and their versions).'),
    MAESTRO_POSTGRES_POOL_SIZE: integer(1, 1_000)
      .default(10)
      .describe('Maximum PostgreSQL connections per process.'),
    MAESTRO_REDIS_URL: url(['redis:', 'rediss:'])
      .default('redis://127.0.0.1:6379/0')
      .describe('Redis connection URL (rooms, instances, allocation, scheduler cache).'),
    MAESTRO_REDIS_KEY_PREFIX: text()
      .default('')
      .describe(
        'Prefix of every Redis key maestro writes, to share one Redis between deployments.',
      ),
    MAESTRO_REDIS_MODE: z
      .enum(REDIS_MODES, { error: `must be one of ${REDIS_MODES.join(', ')}` })
      .default('standalone')
      .describe(
        'How maestro reaches Redis: one server (MAESTRO_REDIS_URL), a Redis Cluster, or a master found through Redis Sentinel.',
      ),
    MAESTRO_REDIS_NODES: hostPortList()
      .default('')
      .describe(
        'Cluster mode: seed nodes; sentinel mode: the sentinels. Comma-separated host:port.',
      ),
    MAESTRO_REDIS_SENTINEL_MASTER: text()
      .default('')
      .describe('Sentinel mode: the name of the master group the sentinels monitor.'),
    MAESTRO_REDIS_USERNAME: text()
      .default('')
      .describe(
        'ACL user on the Redis data nodes (standalone: or in MAESTRO_REDIS_URL; empty: the default user).',
      ),
    MAESTRO_REDIS_PASSWORD: text()
      .default('')
      .describe('Password on the Redis data nodes (standalone: or in MAESTRO_REDIS_URL).'),
    MAESTRO_REDIS_SENTINEL_PASSWORD: text()
      .default('')
      .describe('Sentinel mode: password of the sentinels themselves (empty: none).'),
    MAESTRO_REDIS_TLS: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false')
      .transform((value) => value === 'true')
      .describe('TLS to every Redis node (and sentinel), as rediss:// does for a standalone URL.'),
    MAESTRO_REDIS_COMMAND_TIMEOUT_MS: integer(100, 60_000)
      .default(3_000)
      .describe(
        'A Redis command unanswered this long fails (the request answers 503) instead of hanging.',
      ),
    MAESTRO_TEMPORAL_ADDRESS: hostPort()
      .default('127.0.0.1:7233')
      .describe(
        'Temporal frontend gRPC address (host:port). Unset: `TEMPORAL_ADDRESS` or the Temporal profile, then this default.',
      ),
    MAESTRO_TEMPORAL_NAMESPACE: text()
      .default('default')
      .describe(
        'Temporal namespace holding the scheduler and operation workflows. Unset: `TEMPORAL_NAMESPACE` or the profile, then this default.',
      ),
    MAESTRO_TEMPORAL_TLS: boolean()
      .default('false')
      .describe(
        'TLS to Temporal. Unset: `TEMPORAL_TLS` or the profile; else on when a CA, client certificate, server name or API key is given.',
      ),
    MAESTRO_TEMPORAL_TLS_CA_FILE: text()
      .default('')
      .describe(
        "PEM file of the CA that signed Temporal's server certificate (unset: the system's CAs). Re-read when it changes.",
      ),
    MAESTRO_TEMPORAL_TLS_SERVER_NAME: text()
      .default('')
      .describe(
        "Name to verify Temporal's server certificate against (and SNI), if not the address's host.",
      ),
    MAESTRO_TEMPORAL_TLS_CERT_FILE: text()
      .default('')
      .describe(
        'mTLS: PEM client certificate (with MAESTRO_TEMPORAL_TLS_KEY_FILE). Re-read when it changes; new connections use the new pair.',
      ),
    MAESTRO_TEMPORAL_TLS_KEY_FILE: text()
      .default('')
      .describe('mTLS: PEM private key of MAESTRO_TEMPORAL_TLS_CERT_FILE.'),
    MAESTRO_TEMPORAL_API_KEY: text()
      .default('')
      .describe(
        'API key sent as `authorization: Bearer <key>` (Temporal Cloud); turns TLS on unless TLS is set to false.',
      ),
    MAESTRO_TEMPORAL_CALL_TIMEOUT_MS: integer(500, 120_000)
      .default(5_000)
      .describe(
        'Deadline of each call the APIs make to Temporal: past it (or at once when Temporal refuses connections) the request answers 503 naming Temporal instead of hanging.',
      ),
    MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, { error: 'must match [A-Za-z0-9._-]+' })
      .default('maestro')
      .describe(
        'Task queues are `PREFIX-operations`, `PREFIX-runtime-watcher` and `PREFIX-metrics`.',
      ),
    MAESTRO_MANAGEMENT_API_PORT: port()
      .default(8080)
      .describe('Management API HTTP port (schedulers and operations).'),
    MAESTRO_MANAGEMENT_API_GRPC_PORT: port()
      .default(9090)
      .describe(
        'Management API native gRPC port (api.v1.SchedulersService, OperationsService and SchedulerRoomsService).',
      ),
    MAESTRO_MANAGEMENT_API_INTERNAL_PORT: port()
      .default(8081)
      .describe('Management API /healthz, /readyz and /metrics port.'),
    MAESTRO_ROOMS_API_PORT: port()
      .default(8070)
      .describe('Rooms API HTTP port (game rooms, matchmakers).'),
    MAESTRO_ROOMS_API_INTERNAL_PORT: port()
      .default(8071)
      .describe('Rooms API /healthz, /readyz and /metrics port.'),
    MAESTRO_ROOMS_API_GRPC_PORT: port()
      .default(9070)
      .describe('Rooms API native gRPC port (api.v1.RoomsService).'),
    MAESTRO_GRPC_REFLECTION: boolean()
      .default('true')
      .describe(
        'Both native gRPC servers (Management and Rooms API) serve gRPC server reflection (grpc.reflection.v1 and v1alpha), so grpcurl and other generic clients need no .proto files; it reveals the public schema only and needs no credential (docs/security.md).',
      ),
    MAESTRO_ROOMS_API_PROCESSES: integer(1, 64)
      .default(1)
      .describe(
        'Rooms API processes sharing its HTTP and gRPC ports (node:cluster); above 1, `maestro start rooms-api` must run the Rooms API alone and its internal port serves readiness and metrics of every process (docs/rooms-api.md#several-processes).',
      ),
    MAESTRO_ROOM_ALLOCATION_TTL_MS: integer(1_000, 86_400_000)
      .default(300_000)
      .describe(
        'How long an allocated room that has not reported occupied is held before it is ready again.',
      ),
    MAESTRO_SCHEDULER_CACHE_TTL_MS: integer(1_000, 86_400_000)
      .default(60_000)
      .describe(
        'How long a process keeps a scheduler it read; changes invalidate it at once over Redis pub/sub.',
      ),
    MAESTRO_FORWARDING_MAX_IN_FLIGHT: integer(1, 10_000)
      .default(64)
      .describe(
        'Calls in flight toward one forwarder of one scheduler at most; further events wait in its queue.',
      ),
    MAESTRO_FORWARDING_MAX_QUEUED: integer(1, 1_000_000)
      .default(10_000)
      .describe(
        "Events waiting for one forwarder at most (a room's resyncs count once, coalesced); beyond it events are dropped and counted.",
      ),
    MAESTRO_ROOM_AUTH_SECRET: z
      .string()
      .refine((value) => value === '' || value.length >= 32, {
        error: 'must be at least 32 characters',
      })
      .default('')
      .describe(
        'Secret of room tokens: when set, new rooms get `MAESTRO_ROOM_TOKEN` (HMAC of scheduler and room id).',
      ),
    MAESTRO_ROOM_AUTH_REQUIRED: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false')
      .transform((value) => value === 'true')
      .describe(
        'Rooms API rejects room requests without the room token (401); needs MAESTRO_ROOM_AUTH_SECRET.',
      ),
    MAESTRO_API_KEY_PEPPER: z
      .string()
      .refine((value) => value === '' || value.length >= 32, {
        error: 'must be at least 32 characters',
      })
      .default('')
      .describe(
        'Server-side secret of API key hashes: when set, new keys are stored as HMAC-SHA-256 with it (a database dump alone then cannot check a key); keys made before it was set keep working. Changing it invalidates keys made with the old one.',
      ),
    MAESTRO_API_KEY_CACHE_TTL_MS: integer(0, 300_000)
      .default(30_000)
      .describe(
        'How long a process trusts an API key it read from PostgreSQL: a revoked key works up to this long in a process that saw it (0: read every time).',
      ),
    // Access control (docs/security.md, "Authentication and authorization").
    MAESTRO_AUTH_REQUIRED: boolean()
      .default('false')
      .describe(
        'Management API (HTTP and gRPC) demands `authorization: Bearer <API key or OpenID Connect token>` and checks the role on each game (docs/security.md). Off: Maestro clients work unauthenticated, and the API logs so once at start.',
      ),
    MAESTRO_MATCHMAKER_AUTH_REQUIRED: boolean()
      .default('false')
      .describe(
        "Rooms API's AllocateRoom demands a credential (API key or OpenID Connect token) holding `matchmaker` on the scheduler's game; room RPCs keep the room token (MAESTRO_ROOM_AUTH_REQUIRED).",
      ),
    MAESTRO_OIDC_ISSUER: text()
      .default('')
      .describe(
        'OpenID Connect: the `iss` bearer tokens must carry; set with MAESTRO_OIDC_AUDIENCE and MAESTRO_OIDC_JWKS_URL to accept tokens.',
      ),
    MAESTRO_OIDC_AUDIENCE: text()
      .default('')
      .describe("OpenID Connect: the `aud` bearer tokens must carry (maestro's client id)."),
    MAESTRO_OIDC_JWKS_URL: text()
      .default('')
      .describe(
        "OpenID Connect: the identity provider's JSON Web Key Set (https://, or http:// to a loopback address only).",
      ),
    MAESTRO_OIDC_ROLES_CLAIM: z
      .string()
      .regex(/^[A-Za-z0-9_:/.-]+$/, { error: 'must be a claim name (dots reach nested claims)' })
      .default('maestro_roles')
      .describe(
        'OpenID Connect: the claim holding grants, an array of `role:game` (`admin:game-a`, `viewer:*`); a dotted path reaches a nested claim.',
      ),
    MAESTRO_OIDC_ALGORITHMS: z
      .string()
      .refine((value) => value.split(',').every((name) => JWT_ALGORITHMS.includes(name)), {
        error: `must be comma-separated among ${JWT_ALGORITHMS.join(', ')}`,
      })
      .default('RS256,ES256')
      .describe('OpenID Connect: signature algorithms accepted (asymmetric only).'),
    MAESTRO_OIDC_CLOCK_TOLERANCE_SECONDS: integer(0, 300)
      .default(30)
      .describe('OpenID Connect: clock skew tolerated on `exp` and `nbf`.'),
    MAESTRO_OIDC_JWKS_COOLDOWN_MS: integer(0, 3_600_000)
      .default(30_000)
      .describe(
        'OpenID Connect: least time between two JWKS fetches prompted by an unknown key id (a rotated key is picked up on its first token after that).',
      ),
    MAESTRO_OIDC_JWKS_CACHE_MAX_AGE_MS: integer(1_000, 86_400_000)
      .default(600_000)
      .describe('OpenID Connect: how long a fetched JWKS is used before it is fetched again.'),
    // TLS on the APIs' own listeners and rate limits (docs/security.md).
    MAESTRO_TLS_CERT_FILE: text()
      .default('')
      .describe(
        'PEM certificate (chain) of the Management and Rooms APIs, HTTP and gRPC; with MAESTRO_TLS_KEY_FILE they serve TLS only. Re-read when it changes. Internal ports stay plain.',
      ),
    MAESTRO_TLS_KEY_FILE: text().default('').describe('PEM private key of MAESTRO_TLS_CERT_FILE.'),
    MAESTRO_TLS_CLIENT_CA_FILE: text()
      .default('')
      .describe(
        'mTLS: PEM CA bundle; the APIs then refuse clients without a certificate it signed.',
      ),
    MAESTRO_TLS_RELOAD_INTERVAL_MS: integer(100, 3_600_000)
      .default(10_000)
      .describe(
        'How often the TLS files are checked for a change (a Kubernetes secret update is a symlink swap); a changed pair that does not load is logged and the old one kept.',
      ),
    MAESTRO_RATE_LIMIT_MUTATIONS_PER_MINUTE: integer(0, 1_000_000)
      .default(0)
      .describe(
        'Management API calls that change something, per caller (credential, else address) and minute on average, shared through Redis; 0: no limit.',
      ),
    MAESTRO_RATE_LIMIT_MUTATIONS_BURST: integer(1, 100_000)
      .default(10)
      .describe('Management API calls that change something a caller may make at once.'),
    MAESTRO_RATE_LIMIT_ALLOCATIONS_PER_MINUTE: integer(0, 10_000_000)
      .default(0)
      .describe(
        'AllocateRoom calls per caller (credential, else address) and minute on average, shared through Redis; 0: no limit.',
      ),
    MAESTRO_RATE_LIMIT_ALLOCATIONS_BURST: integer(1, 1_000_000)
      .default(100)
      .describe('AllocateRoom calls a caller may make at once.'),
    MAESTRO_WORKER_INTERNAL_PORT: port()
      .default(8091)
      .describe('Operation execution worker /healthz, /readyz and /metrics port.'),
    MAESTRO_RUNTIME_WATCHER_INTERNAL_PORT: port()
      .default(8092)
      .describe('Runtime watcher /healthz, /readyz and /metrics port.'),
    MAESTRO_METRICS_REPORTER_INTERNAL_PORT: port()
      .default(8093)
      .describe('Metrics reporter /healthz, /readyz and /metrics port.'),
    MAESTRO_RUNTIME: z
      .enum(['local', 'kubernetes'], { error: 'must be local or kubernetes' })
      .default('local')
      .describe('Where game rooms run: processes on this machine, or pods on Kubernetes.'),
    MAESTRO_LOCAL_RUNTIME_DIR: text()
      .default('.maestro/local-runtime')
      .describe('Local runtime: state and logs of the rooms (relative to the working directory).'),
    MAESTRO_LOCAL_RUNTIME_HOST: text()
      .default('127.0.0.1')
      .describe('Local runtime: the host players use to reach local rooms.'),
    MAESTRO_LOCAL_RUNTIME_POLL_INTERVAL_MS: integer(10, 60_000)
      .default(500)
      .describe('Local runtime: how often watches look for room changes.'),
    MAESTRO_KUBERNETES_KUBECONFIG: text()
      .default('')
      .describe(
        'Kubernetes runtime: kubeconfig file; required unless MAESTRO_KUBERNETES_IN_CLUSTER is true.',
      ),
    MAESTRO_KUBERNETES_IN_CLUSTER: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false')
      .describe("Kubernetes runtime: use the pod's service account."),
    MAESTRO_KUBERNETES_QPS: integer(0, 10_000)
      .default(100)
      .describe('Kubernetes runtime: API requests per second after the burst (0: no limit).'),
    MAESTRO_KUBERNETES_BURST: integer(1, 10_000)
      .default(1_000)
      .describe(
        'Kubernetes runtime: API requests allowed at once before QPS applies (1,000: one add_rooms of the largest size is not held back).',
      ),
    MAESTRO_KUBERNETES_RESYNC_INTERVAL_MS: integer(1_000, 3_600_000)
      .default(30_000)
      .describe('Kubernetes runtime: how often room watches re-list to repair anything missed.'),
    MAESTRO_HEALTH_CONTROLLER_INTERVAL_MS: integer(1_000, 86_400_000)
      .default(900_000)
      .describe(
        "Safety interval: each scheduler checks its rooms at least this often; the runtime watcher's health watch nudges it at once when something needs doing. The health_controller operation runs only when there is something to do.",
      ),
    MAESTRO_HEALTH_WATCH_INTERVAL_MS: integer(0, 3_600_000)
      .default(5_000)
      .describe(
        "Runtime watcher: how often each scheduler's health plan is evaluated in-process (also at once on a room's runtime change and at its next timeout), to nudge the scheduler only when the health controller would act; 0 turns the health watch off (then only the safety interval runs it).",
      ),
    MAESTRO_HEALTH_NUDGE_MIN_GAP_MS: integer(1_000, 3_600_000)
      .default(15_000)
      .describe(
        'Runtime watcher: the same pending health action nudges its scheduler at most once per this gap, and nudges of one scheduler are rate-limited to a burst of 10 refilled one per 4 gaps.',
      ),
    MAESTRO_ROOM_PING_TIMEOUT_MS: integer(1_000, 86_400_000)
      .default(240_000)
      .describe('Health controller: a room that has not pinged for this long is replaced.'),
    MAESTRO_ROOM_INITIALIZATION_TIMEOUT_MS: integer(1_000, 86_400_000)
      .default(120_000)
      .describe(
        'Health controller: a room still pending or unready this long after creation is replaced.',
      ),
    MAESTRO_ROOM_DELETION_TIMEOUT_MS: integer(1_000, 86_400_000)
      .default(120_000)
      .describe(
        'Health controller: a room still terminating this long after its last ping (and never before its grace period is over) is force-deleted.',
      ),
    MAESTRO_ROOM_VALIDATION_TIMEOUT_MS: integer(1_000, 3_600_000)
      .default(120_000)
      .describe(
        "How long a new major version's validation room has to report ready, in each of 3 attempts.",
      ),
    MAESTRO_SCHEDULER_DELETION_TIMEOUT_MS: integer(1_000, 3_000_000)
      .default(600_000)
      .describe(
        "delete_scheduler: how long to wait for the scheduler's rooms to go after its runtime space is deleted; past it the rows are deleted anyway and the runtime finishes the rooms.",
      ),
    MAESTRO_RUNTIME_WATCHER_RESYNC_INTERVAL_MS: integer(1_000, 3_600_000)
      .default(60_000)
      .describe(
        "Runtime watcher: how often room storage is compared with the runtime's full list of rooms.",
      ),
    MAESTRO_RUNTIME_WATCHER_DISRUPTION_INTERVAL_MS: integer(1_000, 3_600_000)
      .default(60_000)
      .describe(
        'Runtime watcher: how often the disruption budget is set from the number of occupied rooms.',
      ),
    MAESTRO_METRICS_REPORTER_INTERVAL_MS: integer(1_000, 3_600_000)
      .default(10_000)
      .describe("Metrics reporter: how often each scheduler's gauges are refreshed."),
    MAESTRO_SUPERVISION_HEARTBEAT_TIMEOUT_MS: integer(5_000, 3_600_000)
      .default(3_600_000)
      .describe(
        "Backstop only (process liveness leases re-home supervisors within MAESTRO_SUPERVISION_LEASE_TTL_MS): how long a scheduler's watcher or metrics activity may go silent before Temporal restarts it elsewhere. Each sends one billed heartbeat per 80% of it.",
      ),
    MAESTRO_SUPERVISION_SCHEDULERS_PER_PROCESS: integer(1, 100_000)
      .default(1_000)
      .describe(
        'Schedulers one runtime-watcher (or metrics-reporter) process supervises at once; past that, run more processes.',
      ),
    MAESTRO_SUPERVISION_LEASE_TTL_MS: integer(1_000, 300_000)
      .default(10_000)
      .describe(
        "Liveness lease of each runtime-watcher and metrics-reporter process: a process silent this long is dead and its schedulers' supervisors restart on its peers.",
      ),
    MAESTRO_OPERATIONS_FINISHED_LIMIT: integer(10, 5_000)
      .default(500)
      .describe('Finished operations each scheduler keeps for the listing (all stay in Temporal).'),

    // Encrypted payloads in Temporal (docs/security.md, "Encrypted payloads in Temporal").
    MAESTRO_PAYLOAD_KEYS: text()
      .default('')
      .describe(
        'AES-256 keys of the Temporal payload codec, `id:base64key,…` (32 bytes each, `openssl rand -base64 32`). Any key set: workflow inputs, results, signals and queries are encrypted in Temporal; every key decrypts, MAESTRO_PAYLOAD_ACTIVE_KEY encrypts.',
      ),
    MAESTRO_PAYLOAD_KEYS_DIR: text()
      .default('')
      .describe(
        'Directory of payload keys, one file per key named by its id holding the base64 key (a mounted Kubernetes secret); read at start, besides MAESTRO_PAYLOAD_KEYS.',
      ),
    MAESTRO_PAYLOAD_ACTIVE_KEY: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must match [A-Za-z0-9._-]{1,64}' })
      .default('')
      .describe(
        'Id of the payload key that encrypts new payloads (the others only decrypt); may be left unset when there is one key.',
      ),
    MAESTRO_CODEC_CORS_ORIGINS: z
      .string()
      .refine(
        (value) =>
          value
            .split(',')
            .every((origin) => URL.canParse(origin) && new URL(origin).origin === origin),
        { error: 'must be comma-separated origins (scheme://host[:port], no path)' },
      )
      .default('')
      .describe(
        "Origins allowed to call the Management API's codec endpoint (/codec) from a browser: the Temporal UI's, e.g. `http://127.0.0.1:8233`.",
      ),

    // The CLI's client commands (`maestro schedulers …`, docs/cli.md); modules ignore them.
    ...cliClientVariables.shape,

    // Temporal workers' memory (docs/temporal.md, "Workflow cache").
    MAESTRO_WORKFLOW_CACHE_SIZE: integer(2, 100_000)
      .default(250)
      .describe(
        'Workflows each Temporal worker (worker, runtime-watcher, metrics-reporter) keeps in memory between their tasks, about 0.2 MB of heap each; an evicted one is replayed from its history when it next wakes (docs/temporal.md).',
      ),
    MAESTRO_TEMPORAL_SDK_METRICS: boolean()
      .default('true')
      .describe(
        "The Temporal SDK's worker metrics (`temporal_*`: polls, task slots, latencies) on the /metrics of processes that run a Temporal worker (worker, runtime-watcher, metrics-reporter).",
      ),
    MAESTRO_TEMPORAL_SDK_METRICS_PORT: port()
      .default(0)
      .describe(
        "Loopback port where the SDK's native core serves those metrics for /metrics to include; 0: a free one chosen at start.",
      ),
    MAESTRO_TRACING_ENABLED: boolean()
      .default('false')
      .transform((value) => value === 'true')
      .describe(
        'Export OpenTelemetry traces over OTLP/HTTP (protobuf) to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` (default http://localhost:4318). Setting either endpoint also turns tracing on; `OTEL_SDK_DISABLED=true` turns it off (docs/observability.md).',
      ),
    MAESTRO_TRACING_PING_SAMPLE_RATIO: ratio()
      .default(0.01)
      .describe(
        'Share of Rooms API pings traced when tracing is on (0 to 1); every other request follows `OTEL_TRACES_SAMPLER` (default: all).',
      ),
  })
  .strict();

export type Environment = z.output<typeof environmentSchema>;
export type EnvironmentVariable = keyof Environment;
