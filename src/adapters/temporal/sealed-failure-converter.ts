/**
 * The failure converter of workers and clients when payload keys are configured (loaded by path:
 * `failureConverterPath` of `dataConverterOf`): failures' messages and stack traces go into
 * `encodedAttributes`, which the payload codec seals like any payload. See
 * workflows/failure-converter.ts for what the workflow bundle does with them.
 */
import { OriginalFailureConverter } from '../../../workflows/failure-converter';

export const failureConverter = new OriginalFailureConverter({ encodeCommonAttributes: true });
