/** Messages between the Rooms API's main thread and its forwarding thread (structured clones). */
import type { ForwarderMessage } from '../../domain/game-room/forwarding';
import type { Forwarder } from '../../domain/scheduler/scheduler';

/** One forward to perform. */
export interface ForwardRequest {
  id: number;
  forwarder: Forwarder;
  message: ForwarderMessage;
}

/** How one forward ended: no `failure` means the forwarder replied 200. */
export interface ForwardResult {
  id: number;
  failure?: { forwarder: string; code: string; message: string };
}
