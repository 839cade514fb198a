import { ApiError, ConnectionError } from './errors';
import type {
  Operation,
  OperationPage,
  OperationStage,
  Room,
  RoomStatus,
  Scheduler,
  SchedulerDefinition,
  SchedulerInfo,
  SchedulerSummary,
  SchedulerVersion,
} from './types';

export interface ManagementClientOptions {
  /** The Management API's HTTP address: `http://localhost:8080`. */
  server: string;
  /** An API key (`mk_…`) or an OpenID Connect token, sent as `Authorization: Bearer …`. */
  token?: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * How many times a request answered 503 or 429 is repeated, after its `Retry-After` (default 3).
   * Writes are repeated as docs/outages.md says is safe (see each method).
   */
  retries?: number;
}

/** What an operation-starting call answers. */
export interface OperationStarted {
  operationId: string;
}

/**
 * Maestro v1's Management API over HTTP/JSON, typed: every route of `api.v1.SchedulersService` and
 * `api.v1.OperationsService`. Non-2xx answers throw `ApiError` (status, gRPC code, message);
 * unreachable servers and timeouts throw `ConnectionError`.
 */
export class ManagementClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly retries: number;

  constructor(private readonly options: ManagementClientOptions) {
    this.base = options.server.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetch = options.fetch ?? fetch;
    this.retries = options.retries ?? 3;
  }

  async listSchedulers(filter: { name?: string; game?: string; version?: string } = {}) {
    const answer = await this.call<{ schedulers: SchedulerSummary[] }>('GET', '/schedulers', {
      query: filter,
    });
    return answer.schedulers;
  }

  /** The active version, or `version`. */
  async getScheduler(name: string, version?: string): Promise<Scheduler> {
    const path = `/schedulers/${segment(name)}`;
    const answer = await this.call<{ scheduler: Scheduler }>('GET', path, { query: { version } });
    return answer.scheduler;
  }

  /** The scheduler, or undefined when there is none of that name. */
  async findScheduler(name: string): Promise<Scheduler | undefined> {
    try {
      return await this.getScheduler(name);
    } catch (error) {
      if (error instanceof ApiError && error.isNotFound) return undefined;
      throw error;
    }
  }

  async getSchedulerVersions(name: string): Promise<SchedulerVersion[]> {
    const path = `/schedulers/${segment(name)}/versions`;
    return (await this.call<{ versions: SchedulerVersion[] }>('GET', path)).versions;
  }

  async getSchedulersInfo(game: string): Promise<SchedulerInfo[]> {
    const answer = await this.call<{ schedulers: SchedulerInfo[] }>('GET', '/schedulers/info', {
      query: { game },
    });
    return answer.schedulers;
  }

  /**
   * Creates the scheduler. Repeated after a 503: the server stores the scheduler and queues its
   * `create_scheduler` once however often it is asked; a repeat that finds it queued answers 409,
   * which here means the earlier attempt created it.
   */
  createScheduler(definition: SchedulerDefinition): Promise<Scheduler> {
    return this.repeating(async (isRepeat) => {
      try {
        const answer = await this.call<{ scheduler: Scheduler }>('POST', '/schedulers', {
          body: definition,
        });
        return answer.scheduler;
      } catch (error) {
        const created =
          isRepeat && isStatus(error, 409) && (await this.findScheduler(definition.name));
        if (created) return created;
        throw error;
      }
    });
  }

  /** Queues a `create_new_scheduler_version`: minor or major, decided by the server. */
  newSchedulerVersion(definition: SchedulerDefinition): Promise<OperationStarted> {
    const path = `/schedulers/${segment(definition.name)}`;
    return this.versionChange(() => this.call('POST', path, { body: definition }));
  }

  /** Queues a `switch_active_version`. */
  switchActiveVersion(name: string, version: string): Promise<OperationStarted> {
    const path = `/schedulers/${segment(name)}`;
    return this.versionChange(() => this.call('PUT', path, { body: { version } }));
  }

  /** Queues a `delete_scheduler`. */
  deleteScheduler(name: string): Promise<OperationStarted> {
    return this.repeating(async () => {
      try {
        return await this.call<OperationStarted>('DELETE', `/schedulers/${segment(name)}`);
      } catch (error) {
        const queued = await this.queuedDespite(error, name);
        if (queued) return queued;
        throw error;
      }
    });
  }

  /** The scheduler's rooms (those in `status`, when given), ordered by id. */
  async listRooms(name: string, options: { status?: RoomStatus } = {}): Promise<Room[]> {
    const path = `/schedulers/${segment(name)}/rooms`;
    const answer = await this.call<{ rooms?: Room[] }>('GET', path, { query: options });
    return answer.rooms ?? [];
  }

  async listOperations(
    name: string,
    options: { stage?: OperationStage; page?: number; perPage?: number; orderBy?: string } = {},
  ): Promise<OperationPage> {
    const answer = await this.call<OperationPage>(
      'GET',
      `/schedulers/${segment(name)}/operations`,
      { query: options },
    );
    return { ...answer, operations: answer.operations ?? [] };
  }

  async getOperation(name: string, operationId: string): Promise<Operation> {
    const path = `/schedulers/${segment(name)}/operations/${segment(operationId)}`;
    return (await this.call<{ operation: Operation }>('GET', path)).operation;
  }

  /** Cancels it; repeated after a 503 (a repeat of an applied cancel finds nothing left to do). */
  async cancelOperation(name: string, operationId: string): Promise<void> {
    const path = `/schedulers/${segment(name)}/operations/${segment(operationId)}/cancel`;
    await this.repeating(() => this.call('POST', path));
  }

  /**
   * A version change, repeated after a 503: a repeat of a change the server did queue is refused
   * with 400 `there is already an ongoing version operation (id: …)`, naming it.
   */
  private versionChange(request: () => Promise<OperationStarted>): Promise<OperationStarted> {
    return this.repeating(async (isRepeat) => {
      try {
        return await request();
      } catch (error) {
        const ongoing = isRepeat && isStatus(error, 400) && ONGOING_VERSION.exec(error.message);
        if (ongoing) return { operationId: ongoing[1]! };
        throw error;
      }
    });
  }

  /**
   * After a 503 `operation <id> may or may not be queued`: the operation, when the server has it
   * (then the request must not be repeated).
   */
  private async queuedDespite(error: unknown, scheduler: string) {
    const maybe = isStatus(error, 503) && MAYBE_QUEUED.exec(error.message);
    if (!maybe) return undefined;
    await sleep((error.retryAfterSeconds ?? 1) * 1_000);
    try {
      return { operationId: (await this.getOperation(scheduler, maybe[1]!)).id };
    } catch {
      return undefined; // not (yet) known: repeating the request is what the server asks for
    }
  }

  /** Runs `attempt` again after a 503 or 429, waiting its Retry-After, up to `retries` times. */
  private async repeating<T>(attempt: (isRepeat: boolean) => Promise<T>): Promise<T> {
    for (let repeat = 0; ; repeat++) {
      try {
        return await attempt(repeat > 0);
      } catch (error) {
        const isBusy = isStatus(error, 503) || isStatus(error, 429);
        if (!isBusy || repeat >= this.retries) throw error;
        await sleep((error.retryAfterSeconds ?? 1) * 1_000);
      }
    }
  }

  /** A request; reads are repeated after a 503 or 429 (a read can always be repeated). */
  private call<T>(
    method: string,
    path: string,
    request: { query?: Record<string, string | number | undefined>; body?: unknown } = {},
  ): Promise<T> {
    const send = () => this.send<T>(method, path, request);
    return method === 'GET' ? this.repeating(send) : send();
  }

  private async send<T>(
    method: string,
    path: string,
    request: { query?: Record<string, string | number | undefined>; body?: unknown } = {},
  ): Promise<T> {
    const url = `${this.base}${path}${queryString(request.query)}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await this.fetch(url, {
        method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ConnectionError(url, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) throw apiError(response, text);
    return (text === '' ? {} : JSON.parse(text)) as T;
  }
}

const segment = (value: string) => encodeURIComponent(value);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isStatus = (error: unknown, status: number): error is ApiError =>
  error instanceof ApiError && error.status === status;
const ONGOING_VERSION = /ongoing version operation \(id: ([^)\s]+)\)/;
const MAYBE_QUEUED = /operation (\S+) may or may not be queued/;

function queryString(query: Record<string, string | number | undefined> = {}): string {
  const pairs = Object.entries(query).filter(([, value]) => value !== undefined && value !== '');
  if (pairs.length === 0) return '';
  const params = new URLSearchParams();
  for (const [key, value] of pairs) params.append(key, String(value));
  return `?${params.toString()}`;
}

function apiError(response: Response, text: string): ApiError {
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  let code: number | undefined;
  let message = text.trim() || response.statusText;
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'number') code = body.code;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // not the API's error JSON (a proxy's page): keep the text
  }
  return new ApiError(
    response.status,
    code,
    message,
    Number.isFinite(retryAfter) ? retryAfter : undefined,
  );
}
