/** One answered HTTP request (go-http-metrics' labels and observations). */
export interface HttpResponseObservation {
  /** The route's pattern (`/schedulers/:schedulerName`), never the raw path; `''` for no route. */
  handler: string;
  method: string;
  /** The HTTP status code. */
  code: number;
  durationSeconds: number;
  /** The response body's length (its Content-Length; 0 when it has none). */
  sizeBytes: number;
}

/**
 * What an HTTP API counts about its requests (Prometheus in production, go-http-metrics' names
 * as Maestro exposed them). Called on every request, the Rooms API's pings included: an
 * implementation must be cheap, must not throw and must not block.
 */
export interface HttpRequestMetrics {
  /** A request reached `handler`; `requestClosed` follows exactly once. */
  requestStarted(handler: string): void;
  /** The request's connection finished its response, or closed before (aborted). */
  requestClosed(handler: string): void;
  /** A response was sent in full. */
  responseSent(observation: HttpResponseObservation): void;
}
