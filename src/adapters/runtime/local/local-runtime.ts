import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { DomainError, ErrorCode } from '../../../domain/errors';
import { RoomNotFoundError } from '../../../domain/game-room/errors';
import { hostPortVariable, roomEnvironment } from '../../../domain/game-room/environment';
import type {
  GameRoomInstance,
  InstanceEvent,
  RoomAddress,
} from '../../../domain/game-room/instance';
import type { Container, ContainerEnvironment } from '../../../domain/scheduler/spec';
import type {
  CreateRoomRequest,
  DeleteRoomRequest,
  Runtime,
  RuntimeScheduler,
} from '../../../ports/runtime';
import { isSameProcessAlive, processStartTime } from './process-identity';
import { listRoomIds, readRoom, statusOf, type RoomFiles, type RoomMeta } from './room-directory';
import { ROOM_KEEPER_SCRIPT } from './room-keeper-script';
import { watchByPolling } from './watch-by-polling';

export interface LocalRuntimeConfig {
  /** Holds rooms/<scheduler>/<room>/ (state) and logs/<scheduler>/<room>.log. */
  stateDir: string;
  /** The host players use to reach local rooms. */
  advertisedHost: string;
  /** How often watches look for changes. */
  pollIntervalMs: number;
}

/** Variables a room process inherits from maestro; everything else comes from its spec. */
const INHERITED_VARIABLES = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'NODE_OPTIONS'];

/**
 * Game rooms as processes on this machine (the embedded default). Each room runs the command of
 * its spec's first container under a room keeper in its own session; its state lives in files, so
 * every maestro process on the machine sees the same rooms and a restarted maestro finds them again.
 */
export class LocalRuntime implements Runtime {
  private readonly roomsDir: string;
  private readonly logsDir: string;
  private readonly keeperScript: string;
  private keeperScriptWritten?: Promise<void>;

  constructor(
    private readonly config: LocalRuntimeConfig,
    private readonly log: Logger,
  ) {
    this.roomsDir = path.join(config.stateDir, 'rooms');
    this.logsDir = path.join(config.stateDir, 'logs');
    this.keeperScript = path.join(config.stateDir, 'room-keeper.sh');
  }

  async createSchedulerSpace(scheduler: RuntimeScheduler): Promise<void> {
    await mkdir(this.schedulerDir(scheduler.name), { recursive: true });
    await mkdir(path.join(this.logsDir, scheduler.name), { recursive: true });
  }

  async deleteSchedulerSpace(scheduler: string): Promise<void> {
    const rooms = await listRoomIds(this.schedulerDir(scheduler));
    await Promise.all(
      rooms.map((roomId) => this.deleteRoom({ scheduler, roomId, reason: 'scheduler_deleted' })),
    );
    await this.waitForRooms(scheduler, rooms, 60_000);
    await rm(this.schedulerDir(scheduler), { recursive: true, force: true });
  }

  async createRoom(request: CreateRoomRequest): Promise<GameRoomInstance> {
    const { scheduler, roomId } = request;
    const container = runnableContainer(request);
    await this.createSchedulerSpace(scheduler);
    const dir = this.roomDir(scheduler.name, roomId);
    const existing = await readRoom(dir);
    if (existing?.keeper) return this.toInstance(existing);
    if (!existing) await this.writeRoomDirectory(dir, meta(request, container));
    await this.startKeeper(request, container, dir);
    const files = await readRoom(dir);
    if (!files) throw new RoomNotFoundError(scheduler.name, roomId);
    this.log.info({ scheduler: scheduler.name, roomId }, 'local room started');
    return this.toInstance(files);
  }

  async deleteRoom(request: DeleteRoomRequest): Promise<void> {
    const dir = this.roomDir(request.scheduler, request.roomId);
    const files = await readRoom(dir);
    if (!files) return;
    try {
      await writeFile(path.join(dir, 'deleting'), request.reason);
    } catch (error) {
      // Its keeper finished an earlier deletion since the read: the room is gone, as asked.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (this.isKeeperAlive(files)) {
      process.kill(files.keeper!.pid, 'SIGTERM');
      // The keeper's child leads the room's process group; killing it ends the room, and the
      // keeper, told to stop, removes the directory.
      if (request.force && files.pid !== undefined) killGroup(files.pid);
    } else {
      await rm(dir, { recursive: true, force: true }); // nothing runs: the deletion is complete
    }
    this.log.info(
      {
        scheduler: request.scheduler,
        roomId: request.roomId,
        reason: request.reason,
        force: request.force ?? false,
      },
      'local room deleting',
    );
  }

  async getRoom(scheduler: string, roomId: string): Promise<GameRoomInstance | undefined> {
    const dir = this.roomDir(scheduler, roomId);
    let files = await readRoom(dir);
    if (files && files.exitCode === undefined && !this.isKeeperAlive(files)) {
      // A keeper's last writes (exit code, removal) come before it exits: having seen it
      // gone, read again, or a room that just exited would look like one that vanished.
      files = await readRoom(dir);
    }
    if (!files) return undefined;
    if (files.deleting !== undefined && !this.isKeeperAlive(files)) {
      // The keeper died before finishing the deletion (killed, machine rebooted): finish it.
      await rm(dir, { recursive: true, force: true });
      return undefined;
    }
    return this.toInstance(files);
  }

  async listRooms(scheduler: string): Promise<GameRoomInstance[]> {
    const ids = await listRoomIds(this.schedulerDir(scheduler));
    const rooms = await Promise.all(ids.map((id) => this.getRoom(scheduler, id)));
    return rooms.filter((room): room is GameRoomInstance => room !== undefined);
  }

  watchRooms(scheduler: string, signal: AbortSignal): AsyncIterable<InstanceEvent> {
    return watchByPolling(() => this.listRooms(scheduler), this.config.pollIntervalMs, signal);
  }

  async roomAddress(scheduler: string, roomId: string): Promise<RoomAddress> {
    const room = await this.getRoom(scheduler, roomId);
    if (!room?.address) throw new RoomNotFoundError(scheduler, roomId);
    return room.address;
  }

  /** Local rooms see no voluntary disruptions (no node drains), so there is no budget to keep. */
  async setDisruptionBudget(): Promise<void> {}

  private async writeRoomDirectory(dir: string, roomMeta: RoomMeta) {
    // Written beside the final path, then renamed: a room directory is always complete.
    const staging = await mkdtemp(path.join(path.dirname(dir), `.${roomMeta.id}-`));
    await writeFile(path.join(staging, 'room.json'), JSON.stringify(roomMeta));
    try {
      await rename(staging, dir);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? ''))
        throw error;
    }
  }

  private async startKeeper(request: CreateRoomRequest, container: Container, dir: string) {
    await this.writeKeeperScript();
    const [command, ...args] = container.command;
    const logFile = path.join(this.logsDir, request.scheduler.name, `${request.roomId}.log`);
    const graceSeconds = Math.max(1, Math.ceil(request.spec.terminationGracePeriodMs / 1000));
    const child = spawn(
      'bash',
      [
        this.keeperScript,
        dir,
        logFile,
        String(graceSeconds),
        request.spec.restartPolicy,
        '--',
        command!,
        ...args,
      ],
      { detached: true, stdio: 'ignore', env: this.environmentOf(request, container) },
    );
    child.once('error', (error) =>
      this.log.error({ err: error, roomId: request.roomId }, 'room keeper failed'),
    );
    child.unref();
    const pid = child.pid;
    if (pid === undefined)
      throw new DomainError(ErrorCode.INTERNAL, `could not start room ${request.roomId}`);
    await writeFile(path.join(dir, 'keeper'), `${pid} ${processStartTime(pid) ?? ''}`);
  }

  /** Once per runtime, atomically: a bash reading a half-written script would die silently. */
  private writeKeeperScript(): Promise<void> {
    this.keeperScriptWritten ??= (async () => {
      await mkdir(this.config.stateDir, { recursive: true });
      const staging = `${this.keeperScript}.${process.pid}`;
      await writeFile(staging, ROOM_KEEPER_SCRIPT, { mode: 0o755 });
      await rename(staging, this.keeperScript);
    })();
    return this.keeperScriptWritten;
  }

  private environmentOf(request: CreateRoomRequest, container: Container): NodeJS.ProcessEnv {
    const { scheduler, roomId, hostPorts } = request;
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      INHERITED_VARIABLES.filter((n) => process.env[n]).map((n) => [n, process.env[n]]),
    );
    for (const variable of roomEnvironment(
      container.environment,
      scheduler.name,
      roomId,
      request.environment,
    )) {
      env[variable.name] = this.resolve(variable, request);
    }
    for (const port of container.ports)
      env[hostPortVariable(port.name)] = String(hostPorts[port.name]);
    return env;
  }

  private resolve(variable: ContainerEnvironment, request: CreateRoomRequest): string {
    if (variable.value !== undefined) return variable.value;
    const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
    const fields: Record<string, string> = {
      'metadata.name': request.roomId,
      'metadata.namespace': request.scheduler.name,
      'status.podIP': this.config.advertisedHost,
      'status.hostIP': this.config.advertisedHost,
      'spec.nodeName': 'localhost',
    };
    if (fieldPath && fields[fieldPath] !== undefined) return fields[fieldPath];
    throw new DomainError(
      ErrorCode.INVALID_ARGUMENT,
      `environment variable ${variable.name}: the local runtime resolves only values and the field paths ${Object.keys(fields).join(', ')}`,
    );
  }

  private isKeeperAlive(files: RoomFiles): boolean {
    const keeper = files.keeper;
    return keeper !== undefined && isSameProcessAlive(keeper.pid, keeper.startTime);
  }

  private toInstance(files: RoomFiles): GameRoomInstance {
    return {
      id: files.meta.id,
      scheduler: files.meta.scheduler,
      version: files.meta.version,
      ...statusOf(files, this.isKeeperAlive(files)),
      address: { host: this.config.advertisedHost, ports: files.meta.ports },
      createdAt: new Date(files.meta.createdAt),
    };
  }

  private async waitForRooms(scheduler: string, roomIds: readonly string[], timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && (await this.listRooms(scheduler)).length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const roomId of await listRoomIds(this.schedulerDir(scheduler))) {
      const files = await readRoom(this.roomDir(scheduler, roomId));
      if (files?.pid) killQuietly(files.pid);
      if (files?.keeper) killQuietly(files.keeper.pid);
      this.log.warn(
        { scheduler, roomId, waited: roomIds.length },
        'local room killed after the deletion timeout',
      );
    }
  }

  private schedulerDir(scheduler: string) {
    return path.join(this.roomsDir, scheduler);
  }

  private roomDir(scheduler: string, roomId: string) {
    return path.join(this.roomsDir, scheduler, roomId);
  }
}

/** The local runtime runs the first container's command; an image alone cannot run here. */
function runnableContainer(request: CreateRoomRequest): Container {
  const container = request.spec.containers[0];
  if (!container || container.command.length === 0) {
    throw new DomainError(
      ErrorCode.INVALID_ARGUMENT,
      `container ${container?.name ?? '(none)'}: the local runtime runs a container's command, and it has none (images are not run locally)`,
    );
  }
  return container;
}

function meta(request: CreateRoomRequest, container: Container): RoomMeta {
  return {
    id: request.roomId,
    scheduler: request.scheduler.name,
    version: request.spec.version,
    createdAt: new Date().toISOString(),
    ports: container.ports.map((port) => ({
      name: port.name,
      protocol: port.protocol.toUpperCase(),
      port: request.hostPorts[port.name] ?? 0,
    })),
  };
}

function killQuietly(pid: number) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** SIGKILL to every process of the group `leader` leads; gone already is fine. */
function killGroup(leader: number): void {
  try {
    process.kill(-leader, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
