import { DomainError, ErrorCode } from '../errors';

export class RoomNotFoundError extends DomainError {
  constructor(
    readonly scheduler: string,
    readonly roomId: string,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.NOT_FOUND, `room ${roomId} of scheduler ${scheduler} not found`, options);
  }
}

/** The room exists but has no host yet (a pod not bound to a node). */
export class RoomNotPlacedError extends DomainError {
  constructor(
    readonly scheduler: string,
    readonly roomId: string,
  ) {
    super(
      ErrorCode.FAILED_PRECONDITION,
      `room ${roomId} of scheduler ${scheduler} has no host yet`,
    );
  }
}

/** Every host port of a range is held by a live room. */
export class PortsExhaustedError extends DomainError {
  constructor(
    readonly portName: string,
    readonly range: { start: number; end: number },
  ) {
    super(
      ErrorCode.RESOURCE_EXHAUSTED,
      `no free host port for port "${portName}" in range ${range.start}-${range.end}: every port is held by a live room`,
    );
  }
}

/** Allocation found no ready room: retryable once the scheduler has more rooms ready. */
export class NoReadyRoomError extends DomainError {
  constructor(readonly scheduler: string) {
    super(ErrorCode.RESOURCE_EXHAUSTED, `no ready rooms available for scheduler ${scheduler}`);
  }
}

/** A Rooms API call for a room without that room's token, while room authentication is on. */
export class RoomAuthenticationError extends DomainError {
  constructor(
    readonly scheduler: string,
    readonly roomId: string,
    reason: string,
  ) {
    super(ErrorCode.UNAUTHENTICATED, `room ${roomId} of scheduler ${scheduler}: ${reason}`);
  }
}
