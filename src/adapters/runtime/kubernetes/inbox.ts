/**
 * A queue between callbacks that push (a watch stream) and one async consumer. `next()` resolves
 * with the oldest message, or with undefined once `signal` aborts.
 */
export class Inbox<T> {
  private readonly messages: T[] = [];
  private waiting?: (message: T | undefined) => void;
  private readonly onAbort = () => this.deliver(undefined);

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  push(message: T): void {
    if (this.waiting) this.deliver(message);
    else this.messages.push(message);
  }

  next(): Promise<T | undefined> {
    if (this.signal.aborted) return Promise.resolve(undefined);
    if (this.messages.length > 0) return Promise.resolve(this.messages.shift());
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Stops listening to the signal; the inbox is not used afterwards. */
  close(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    this.messages.length = 0;
  }

  private deliver(message: T | undefined) {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(message);
  }
}
