import {
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  Observable,
  PolicyV1Api,
  ServerConfiguration,
  Watch,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';
import https from 'node:https';
import type { Logger } from 'pino';
import { DomainError, ErrorCode } from '../../../domain/errors';
import { backoffDelay, sleep, type BackoffPolicy } from './backoff';
import { describeFailure, KubernetesError, type KubeFailure } from './kube-errors';
import { TokenBucket } from './token-bucket';
import { inClientSpan } from '../../../shared/tracing';

/** Span attributes of a Kubernetes API request. */
const OPERATION = 'maestro.kubernetes.operation';
const ATTEMPTS = 'maestro.kubernetes.attempts';
const OUTCOME = 'maestro.kubernetes.outcome';

/** How maestro reaches the API server. */
export interface KubeClientConfig {
  /** A kubeconfig file; wins over `inCluster`. */
  kubeconfigPath?: string;
  /** Use the pod's service account (KUBERNETES_SERVICE_HOST and the mounted token). */
  inCluster: boolean;
  /** Requests per second after the burst (client-go's QPS); 0 for no limit. */
  qps: number;
  burst: number;
  /** How long one request may take before it is abandoned and retried (default 30 s). */
  requestTimeoutMs?: number;
}

/**
 * The outcome of a request: NotFound and AlreadyExists are results rather than errors, because
 * an idempotent caller usually treats them as success.
 */
export type KubeResult<T> =
  { outcome: 'ok'; value: T } | { outcome: 'not_found' } | { outcome: 'already_exists' };

/** How one request is sent and retried. */
export interface RequestOptions {
  /** Aborts the request and its retries. */
  signal?: AbortSignal;
  /** How many times to send it at most (default 8). */
  attempts?: number;
  /** Retries failures that are not transient in general but are for this request. */
  shouldRetry?: (failure: KubeFailure) => boolean;
}

/** Type of a watch event, then the object as the API server sent it (plain JSON). */
export type WatchCallback = (type: string, object: unknown) => void;

const RETRY: BackoffPolicy = { initialMs: 250, maxMs: 8_000 };
const MAX_RETRY_AFTER_MS = 30_000;
const DEFAULT_ATTEMPTS = 8;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * `@kubernetes/client-node` with what production needs around it: a client-side token bucket,
 * retries of 429, 5xx and network failures (capped exponential backoff with jitter, honouring
 * Retry-After), a timeout per request, and NotFound / AlreadyExists as typed results.
 */
export class KubeClient {
  readonly core: CoreV1Api;
  readonly policy: PolicyV1Api;
  private readonly watcher: Watch;
  private readonly bucket: TokenBucket;
  private readonly sent = new Map<string, number>();
  private readonly connections: KeptAliveConnections;
  private readonly requestTimeoutMs: number;

  constructor(
    config: KubeClientConfig,
    private readonly log: Logger,
  ) {
    this.requestTimeoutMs = config.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    const kubeConfig = loadKubeConfig(config);
    this.connections = new KeptAliveConnections(kubeConfig);
    const apiConfiguration = createConfiguration({
      baseServer: new ServerConfiguration(kubeConfig.getCurrentCluster()!.server, {}),
      authMethods: { default: this.connections },
    });
    this.core = new CoreV1Api(apiConfiguration);
    this.policy = new PolicyV1Api(apiConfiguration);
    this.watcher = new Watch(kubeConfig);
    this.bucket = new TokenBucket(config.qps, config.burst);
  }

  /** Sends `send` (a client-node call given the options to pass it), retrying as described. */
  async request<T>(
    operation: string,
    send: (options: ConfigurationOptions) => Promise<T>,
    options: RequestOptions = {},
  ): Promise<KubeResult<T>> {
    // One span per request, its retries included: `kubernetes create pod`.
    return inClientSpan(`kubernetes ${operation}`, { [OPERATION]: operation }, async (span) => {
      const result = await this.sendWithRetries(operation, send, options, (attempt) =>
        span.setAttribute(ATTEMPTS, attempt),
      );
      span.setAttribute(OUTCOME, result.outcome);
      return result;
    });
  }

  private async sendWithRetries<T>(
    operation: string,
    send: (options: ConfigurationOptions) => Promise<T>,
    options: RequestOptions,
    onAttempt: (attempt: number) => void,
  ): Promise<KubeResult<T>> {
    const { signal, attempts = DEFAULT_ATTEMPTS } = options;
    for (let attempt = 1; ; attempt++) {
      onAttempt(attempt);
      await this.bucket.take(signal);
      this.count(operation);
      const timeout = AbortSignal.timeout(this.requestTimeoutMs);
      try {
        return { outcome: 'ok', value: await send(perRequestOptions(signal, timeout)) };
      } catch (error) {
        // A connection that swallowed a request whole (a dead NAT entry, a hung load balancer)
        // rarely died alone: its idle siblings in the pool took the same path, and reusing them
        // would cost a timeout each.
        if (timeout.aborted && !signal?.aborted) this.connections.retireIdle();
        const failure = describeFailure(error);
        if (failure.status === 404) return { outcome: 'not_found' };
        if (failure.status === 409 && failure.reason === 'AlreadyExists')
          return { outcome: 'already_exists' };
        const retryable = failure.isTransient || options.shouldRetry?.(failure) === true;
        if (!retryable || attempt >= attempts || signal?.aborted)
          throw new KubernetesError(operation, failure, { cause: error });
        const delay = Math.min(
          MAX_RETRY_AFTER_MS,
          failure.retryAfterMs ?? backoffDelay(attempt, RETRY),
        );
        this.log.debug({ operation, attempt, delay, err: failure.message }, 'kubernetes retry');
        await sleep(delay, signal);
      }
    }
  }

  /**
   * Requests sent to the API server so far, by operation (`create pod`, `read node`, …): every
   * attempt, retries included, and every watch opened. What maestro itself costs the API server.
   */
  requestsSent(): Record<string, number> {
    return Object.fromEntries(this.sent);
  }

  /** Connections opened to the API server so far (watches aside): kept alive, they are reused. */
  connectionsOpened(): number {
    return this.connections.opened;
  }

  private count(operation: string) {
    this.sent.set(operation, (this.sent.get(operation) ?? 0) + 1);
  }

  /**
   * Opens a watch (`path` with `watch=true` and `query`). `onEvent` gets each event; `onEnd` is
   * called once when the stream ends for any reason (with the error, if any), also when it could
   * not be opened. Abort the returned controller to close it.
   */
  async watch(
    path: string,
    query: Record<string, string | number | boolean>,
    onEvent: WatchCallback,
    onEnd: (error: unknown) => void,
  ): Promise<AbortController> {
    await this.bucket.take();
    this.count('open watch');
    return this.watcher.watch(
      path,
      query,
      (type: string, object: unknown) => onEvent(type, object),
      onEnd,
    );
  }
}

/** What an `https.Agent` was made with (Node keeps its options). */
type AgentWithOptions = https.Agent & { options: https.AgentOptions };

/** The TLS settings of an agent: a new agent is made only when they change (a rotated cert). */
const TLS_OPTIONS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'servername', 'rejectUnauthorized'];

/**
 * The kubeconfig's authentication (headers, client certificates, CA), sending every request over
 * one keep-alive agent. client-node makes a new agent per request, so each request paid a TCP and
 * TLS handshake on both sides (most of the client's CPU, and the API server's, in a scale-up). A
 * proxy's agent, or a plain-HTTP one, is left as client-node made it.
 */
class KeptAliveConnections implements SecurityAuthentication {
  /** Connections opened to the API server so far. */
  opened = 0;
  private agent?: AgentWithOptions;

  constructor(private readonly kubeConfig: KubeConfig) {}

  getName(): string {
    return 'kubeconfig authentication over kept-alive connections';
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.kubeConfig.applySecurityAuthentication(context);
    const made = context.getAgent();
    if (made?.constructor !== https.Agent) return;
    const { options } = made as AgentWithOptions;
    // A replaced agent is dropped, not destroyed: its requests in flight finish.
    if (!this.agent || !sameTls(this.agent.options, options)) {
      const agent = new https.Agent({ ...options, keepAlive: true }) as AgentWithOptions;
      const connect = agent.createConnection.bind(agent);
      agent.createConnection = (...args: Parameters<typeof connect>) => {
        this.opened += 1;
        return connect(...args);
      };
      this.agent = agent;
    }
    context.setAgent(this.agent);
  }

  /** Closes the pool's idle connections, so the next requests open fresh ones. */
  retireIdle() {
    for (const sockets of Object.values(this.agent?.freeSockets ?? {}))
      for (const socket of sockets ?? []) socket.destroy();
  }
}

function sameTls(a: https.AgentOptions, b: https.AgentOptions): boolean {
  return TLS_OPTIONS.every((name) => {
    const [x, y] = [a[name as keyof https.AgentOptions], b[name as keyof https.AgentOptions]];
    return Buffer.isBuffer(x) && Buffer.isBuffer(y) ? x.equals(y) : x === y;
  });
}

function loadKubeConfig(config: KubeClientConfig): KubeConfig {
  if (!config.kubeconfigPath && !config.inCluster) {
    throw new DomainError(
      ErrorCode.INVALID_ARGUMENT,
      'kubernetes: set a kubeconfig file or run in the cluster (inCluster)',
    );
  }
  const kubeConfig = new KubeConfig();
  try {
    if (config.kubeconfigPath) kubeConfig.loadFromFile(config.kubeconfigPath);
    else kubeConfig.loadFromCluster();
  } catch (error) {
    throw new DomainError(
      ErrorCode.INVALID_ARGUMENT,
      `kubernetes: cannot load ${config.kubeconfigPath ?? 'the in-cluster configuration'}: ${String(error)}`,
      { cause: error },
    );
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new DomainError(
      ErrorCode.INVALID_ARGUMENT,
      'kubernetes: the configuration names no cluster',
    );
  }
  return kubeConfig;
}

/** Bounds a request in time (`timeout`), and ties it to the caller's signal. */
function perRequestOptions(
  signal: AbortSignal | undefined,
  timeout: AbortSignal,
): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal ? AbortSignal.any([signal, timeout]) : timeout);
      return new Observable(Promise.resolve(context));
    },
    post: (context) => new Observable(Promise.resolve(context)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}
