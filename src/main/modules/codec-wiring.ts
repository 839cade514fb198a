import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { payloadCodecOf } from '../../adapters/temporal/payload-data-converter';
import {
  openCodecAccess,
  registerCodecRoutes,
  type CodecAuthorizer,
} from '../../api/management/codec-routes';
import type { Config } from '../../config/load';

/**
 * Serves the codec endpoint (`/codec/encode`, `/codec/decode`) on the Management API's HTTP app
 * when payload keys are configured; without keys there is nothing to decode and the paths are
 * 404. `authorize` is the API's access control (open while security is off).
 */
export function addCodecEndpoint(
  app: FastifyInstance,
  config: Config['temporal'],
  log: Logger,
  authorize: CodecAuthorizer = openCodecAccess,
): void {
  const codec = payloadCodecOf(config.payloadEncryption);
  if (!codec || !config.payloadEncryption) return;
  registerCodecRoutes(app, {
    codec,
    authorize,
    namespace: config.namespace,
    corsOrigins: config.payloadEncryption.codecCorsOrigins,
    log: log.child({ component: 'codec' }),
  });
}
