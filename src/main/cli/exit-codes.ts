import { CommanderError } from 'commander';
import { ApiError, ConnectionError } from '@maestro/management-client';
import { RoomsApiError, RoomsConnectionError } from '@maestro/rooms-client';
import { ClientSettingsError } from '../../config/cli-settings';
import { DomainError } from '../../domain/errors';
import { DefinitionFileError } from './definition-file';

/**
 * The CLI's exit codes: 0 done; 1 the server refused the request or an operation ended in error,
 * was canceled or evicted (or `--wait` timed out); 2 a usage error (flags, an invalid file or
 * definition, bad settings); 3 the server could not be reached. `schedulers diff --exit-code`
 * exits 1 when there are changes.
 */
export const ExitCode = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  UNREACHABLE: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The message and exit code of an error a client command ran into. */
export function describeFailure(error: unknown): { message: string; code: ExitCode } {
  if (error instanceof ConnectionError)
    return { message: error.message, code: ExitCode.UNREACHABLE };
  if (error instanceof ApiError) {
    return { message: `${error.message} (HTTP ${error.status})`, code: ExitCode.FAILED };
  }
  if (error instanceof RoomsConnectionError)
    return { message: error.message, code: ExitCode.UNREACHABLE };
  if (error instanceof RoomsApiError) {
    const status =
      error.httpStatus === undefined ? `gRPC ${error.code}` : `HTTP ${error.httpStatus}`;
    return { message: `${error.message} (${status})`, code: ExitCode.FAILED };
  }
  if (
    error instanceof CommanderError ||
    error instanceof DefinitionFileError ||
    error instanceof ClientSettingsError ||
    error instanceof DomainError
  ) {
    return { message: error.message, code: ExitCode.USAGE };
  }
  throw error;
}
