/**
 * The forwarding thread of the Rooms API: receives batches of forwards from the main thread,
 * performs them with a GrpcForwarderClient (its connections live here), and answers with batches
 * of results. See ThreadedForwarderClient.
 */
import { parentPort } from 'node:worker_threads';
import { ForwardingFailedError } from '../../ports/forwarder';
import type { ForwardRequest, ForwardResult } from './forwarder-thread-protocol';
import { GrpcForwarderClient } from './grpc-forwarder-client';

const port = parentPort;
if (!port) throw new Error('forwarder-worker runs as a worker thread');

const client = new GrpcForwarderClient();
let results: ForwardResult[] = [];

function report(result: ForwardResult): void {
  if (results.length === 0) setImmediate(flush);
  results.push(result);
}

function flush(): void {
  port!.postMessage(results);
  results = [];
}

port.on('message', (batch: ForwardRequest[]) => {
  for (const { id, forwarder, message } of batch) {
    client.send(forwarder, message).then(
      () => report({ id }),
      (error: unknown) =>
        report({
          id,
          failure:
            error instanceof ForwardingFailedError
              ? { forwarder: error.forwarder, code: error.code, message: error.message }
              : { forwarder: forwarder.name, code: 'Unknown', message: String(error) },
        }),
    );
  }
});
