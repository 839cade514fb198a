import type { ContainerEnvironment } from '../scheduler/spec';

/**
 * The variables maestro gives every room's containers, appended after the user's: the room knows
 * its scheduler and id (Maestro sets exactly these two), plus whatever the caller adds (e.g. the
 * room's authentication token).
 */
export function roomEnvironment(
  userEnvironment: readonly ContainerEnvironment[],
  scheduler: string,
  roomId: string,
  extra: Readonly<Record<string, string>> = {},
): ContainerEnvironment[] {
  return [
    ...userEnvironment,
    { name: 'MAESTRO_SCHEDULER_NAME', value: scheduler },
    { name: 'MAESTRO_ROOM_ID', value: roomId },
    ...Object.entries(extra).map(([name, value]) => ({ name, value })),
  ];
}

/** `MAESTRO_HOST_PORT_<NAME>`: how a local room learns the host port it must listen on. */
export function hostPortVariable(portName: string): string {
  return `MAESTRO_HOST_PORT_${portName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
