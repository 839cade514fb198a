import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type { ForwarderMessage } from '../../domain/game-room/forwarding';
import type { Forwarder } from '../../domain/scheduler/scheduler';
import { ForwardingFailedError, type ForwarderClient } from '../../ports/forwarder';
import type { ForwardRequest, ForwardResult } from './forwarder-thread-protocol';

const WORKER_SOURCE = path.join(__dirname, 'forwarder-worker.ts');

interface Pending {
  forwarder: string;
  resolve: () => void;
  reject: (error: ForwardingFailedError) => void;
}

/**
 * A ForwarderClient that performs the calls on a worker thread of this process: the gRPC
 * connections, encoding and HTTP/2 work of forwarding (about a third of the CPU of a ping) leave
 * the thread that answers HTTP and gRPC requests. Forwards of one event-loop turn cross as one
 * message each way. The thread starts on first use and again if it ever exits.
 */
export class ThreadedForwarderClient implements ForwarderClient {
  private worker?: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private outbox: ForwardRequest[] = [];

  send(forwarder: Forwarder, message: ForwarderMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { forwarder: forwarder.name, resolve, reject });
      if (this.outbox.length === 0) setImmediate(() => this.flush());
      this.outbox.push({ id, forwarder, message });
    });
  }

  /** Stops the thread; forwards still in flight fail. */
  close(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll('forwarding thread stopped');
    void worker?.terminate();
  }

  private flush(): void {
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length > 0) this.thread().postMessage(batch);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = __filename.endsWith('.ts')
      ? // Running from sources (dev, tests): the thread needs the TypeScript loader too.
        new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER_SOURCE)});`, {
          eval: true,
        })
      : new Worker(path.join(__dirname, 'forwarder-worker.js'));
    worker.unref();
    worker.on('message', (results: ForwardResult[]) => this.settle(results));
    worker.on('error', (error) => this.lost(worker, `forwarding thread failed: ${error.message}`));
    worker.on('exit', (code) => this.lost(worker, `forwarding thread exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private settle(results: ForwardResult[]): void {
    for (const { id, failure } of results) {
      const pending = this.pending.get(id);
      if (!pending) continue;
      this.pending.delete(id);
      if (!failure) pending.resolve();
      else
        pending.reject(new ForwardingFailedError(failure.forwarder, failure.code, failure.message));
    }
  }

  private lost(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(reason);
  }

  private failAll(reason: string): void {
    for (const pending of this.pending.values()) {
      pending.reject(new ForwardingFailedError(pending.forwarder, 'Unavailable', reason));
    }
    this.pending.clear();
    this.outbox = [];
  }
}
