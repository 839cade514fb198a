import { defaultPayloadConverter, type ProtoFailure } from '@temporalio/common';
import { failureConverter as sealing } from '../../src/adapters/temporal/sealed-failure-converter';
import { failureConverter as bundled } from '../../workflows/failure-converter';

const SECRET = 'password=hunter2 rejected by the runtime';

/** An activity's failure as a worker with payload keys sends it (before the codec seals it). */
function encodedActivityFailure(): ProtoFailure {
  const cause = sealing.errorToFailure(new Error(SECRET), defaultPayloadConverter);
  return {
    message: 'Activity task failed',
    cause,
    activityFailureInfo: { activityType: { name: 'createRooms' }, activityId: '1' },
  };
}

describe('failure converters', () => {
  it('move an error’s message and stack into the encoded attributes when sealing', () => {
    const failure = sealing.errorToFailure(new Error(SECRET), defaultPayloadConverter);

    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(JSON.stringify(failure)).not.toContain('hunter2');
    expect(defaultPayloadConverter.fromPayload(failure.encodedAttributes!)).toMatchObject({
      message: SECRET,
    });
  });

  it('show workflow code the message, and give back the failure as it came, still encoded', () => {
    const arrived = encodedActivityFailure();

    const error = bundled.failureToError(arrived, defaultPayloadConverter);
    const cause = error.cause as Error;
    // Workflow code that fails with the activity's own error (unwrapped), or with the wrapper.
    const rethrownCause = bundled.errorToFailure(cause, defaultPayloadConverter);
    const rethrown = bundled.errorToFailure(error, defaultPayloadConverter);

    expect(cause.message).toBe(SECRET); // readable where it is handled
    expect(rethrownCause).toBe(arrived.cause);
    expect(rethrown).toBe(arrived);
    expect(JSON.stringify([rethrownCause, rethrown])).not.toContain('hunter2');
  });

  it('keep a plain failure plain: without keys nothing is encoded', () => {
    const plain: ProtoFailure = { message: 'no room', applicationFailureInfo: { type: 'X' } };

    const error = bundled.failureToError(plain, defaultPayloadConverter);

    expect(error.message).toBe('no room');
    expect(bundled.errorToFailure(error, defaultPayloadConverter)).toBe(plain);
    expect(bundled.errorToFailure(new Error('own'), defaultPayloadConverter).message).toBe('own');
  });
});
