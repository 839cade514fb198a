import type { ManagementClient } from '@maestro/management-client';
import type { RoomsClient } from '@maestro/rooms-client';
import { clientContext, type ClientContext } from './client-context';
import { describeFailure, ExitCode } from './exit-codes';
import { render, type CliIo, type Column, type OutputFormat } from './output';

/** The global flags of the client commands. */
export interface GlobalOptions {
  server?: string;
  roomsServer?: string;
  token?: string;
  profile?: string;
  output: OutputFormat;
}

/**
 * What every client command shares: the streams, the connection (resolved on first use from the
 * global flags, the environment and the profile), the output format, and `run`, which turns a
 * command's outcome into the exit code.
 */
export class CliContext {
  exitCode: number = ExitCode.OK;
  private options: GlobalOptions = { output: 'table' };
  private connection: ClientContext | undefined;

  constructor(
    readonly io: CliIo,
    readonly env: Readonly<Record<string, string | undefined>>,
    readonly stdin: () => string,
  ) {}

  /** Called before each command's action with the parsed global flags. */
  useOptions(options: GlobalOptions): void {
    this.options = options;
    this.connection = undefined;
  }

  client(): ManagementClient {
    this.connection ??= clientContext(this.options, this.env);
    return this.connection.management;
  }

  /** The Rooms API client (`--rooms-server`); `roomToken` for the calls about one room. */
  roomsClient(roomToken?: string): RoomsClient {
    this.connection ??= clientContext(this.options, this.env);
    return this.connection.rooms(roomToken);
  }

  format(): OutputFormat {
    return this.options.output;
  }

  print<Row>(data: unknown, rows: readonly Row[], columns: readonly Column<Row>[]): void {
    this.io.out(render(this.format(), data, rows, columns));
  }

  /** Wraps a command's action: its returned code (default 0) or its failure's becomes the exit code. */
  run<Args extends unknown[]>(
    action: (...args: Args) => Promise<number | void> | number | void,
  ): (...args: Args) => Promise<void> {
    return async (...args: Args) => {
      try {
        this.exitCode = (await action(...args)) ?? ExitCode.OK;
      } catch (error) {
        const failure = describeFailure(error);
        this.io.err(`maestro: ${failure.message}`);
        this.exitCode = failure.code;
      }
    };
  }
}
