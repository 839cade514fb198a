/**
 * The failure converter of maestro's workflow bundle (`failureConverterPath` when bundling) and,
 * sealing, of its workers and clients when payload keys are configured
 * (src/adapters/temporal/sealed-failure-converter.ts).
 *
 * With payload keys, an activity's failure leaves the worker with its message and stack trace
 * moved into `encodedAttributes`, a payload the codec seals; its `message` reads `Encoded failure`.
 * The SDK's converter decodes such a failure for the workflow but keeps the decoded copy as the
 * error's `failure`, so a workflow that fails with that error (or with it as a cause) would write
 * the message back in plain text. This converter keeps the failure as it arrived: what was sealed
 * stays sealed in every event that carries it. Without keys nothing is encoded and nothing changes.
 */
import {
  DefaultFailureConverter,
  TemporalFailure,
  type PayloadConverter,
  type ProtoFailure,
} from '@temporalio/common';

type Context = Parameters<DefaultFailureConverter['failureToError']>[2];

/** The SDK's converter, but an error made from a failure keeps that very failure (see above). */
export class OriginalFailureConverter extends DefaultFailureConverter {
  override failureToError(
    failure: ProtoFailure,
    payloadConverter: PayloadConverter,
    context?: Context,
  ): Error {
    const error = super.failureToError(failure, payloadConverter, context);
    // Causes come through this method too: each keeps its own original.
    if (error instanceof TemporalFailure) error.failure = failure;
    return error;
  }
}

/** The bundle's converter: encodes nothing itself (workflow code has no keys). */
export const failureConverter = new OriginalFailureConverter();
