import { Writable } from 'node:stream';
import { create, type Message } from '@bufbuild/protobuf';
import pino from 'pino';
import { withAccessControl } from '../../src/api/shared/access-control';
import { MANAGEMENT_ACCESS_RULES } from '../../src/api/shared/access-rules';
import { Authenticator } from '../../src/api/shared/authenticate';
import type { BoundMethod, CallContext } from '../../src/api/shared/unary-service';
import { CredentialKind, type Principal } from '../../src/domain/access/principal';
import { SchedulersService } from '../../src/gen/api/v1/schedulers_pb';
import { managementAccessGuard } from '../../src/main/modules/access-wiring';
import type { CredentialVerifier } from '../../src/ports/credential-verifier';

const alice: Principal = {
  subject: 'alice',
  credentialId: 'key-1',
  kind: CredentialKind.API_KEY,
  grants: [{ role: 'viewer', game: 'tennis' }],
};

/** A verifier of one fixed credential, standing in for API keys and OIDC in these pure tests. */
const fixedVerifier: CredentialVerifier = {
  recognizes: (token) => token.startsWith('fixed-'),
  verify: (token) =>
    token === 'fixed-alice'
      ? Promise.resolve(alice)
      : token === 'fixed-impostor'
        ? Promise.resolve({ ...alice, subject: 'maestro:system' })
        : Promise.reject(new Error('boom')),
};

function recording() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: pino({ level: 'info' }, sink) };
}

/** Every SchedulersService RPC, answering an empty (or two-game list) response, recording its context. */
function fakeMethods(contexts: CallContext[]): BoundMethod[] {
  return SchedulersService.methods.map((method) => ({
    service: SchedulersService,
    method,
    invoke: (_request: Message, context: CallContext) => {
      contexts.push(context);
      const schedulers =
        method.localName === 'listSchedulers'
          ? [
              { name: 'a', game: 'tennis' },
              { name: 'b', game: 'chess' },
            ]
          : undefined;
      return Promise.resolve(create(method.output, schedulers ? { schedulers } : {}) as Message);
    },
  }));
}

const find = (methods: BoundMethod[], name: string) =>
  methods.find((m) => m.method.localName === name)!;

describe('managementAccessGuard', () => {
  it('when off, says once that the API is open, lets calls through and audits changes as anonymous', async () => {
    const { lines, log } = recording();
    const contexts: CallContext[] = [];
    const guard = managementAccessGuard(
      { isRequired: false, isMatchmakerRequired: false, apiKeys: { pepper: '', cacheTtlMs: 0 } },
      { getScheduler: () => Promise.reject(new Error('not asked')) },
      log,
      () => {
        throw new Error('no verifier is made while access control is off');
      },
    );
    const methods = guard(fakeMethods(contexts));
    guard(fakeMethods(contexts));

    const request = create(SchedulersService.method.deleteScheduler.input, { schedulerName: 'a' });
    await find(methods, 'deleteScheduler').invoke(request, { authorization: 'garbage' });

    expect(lines.filter((line) => line['security'] === 'off')).toHaveLength(1);
    expect(contexts[0]?.principal).toBeUndefined();
    expect(lines).toContainEqual(
      expect.objectContaining({
        audit: true,
        rpc: 'DeleteScheduler',
        subject: 'anonymous',
        outcome: 'allowed',
        status: 'OK',
      }),
    );
  });
});

describe('withAccessControl', () => {
  const options = (log: pino.Logger) => ({
    isRequired: true,
    authenticator: new Authenticator([fixedVerifier], log),
    gameOf: (name: string) =>
      Promise.resolve(name === 'a' ? 'tennis' : name === 'b' ? 'chess' : undefined),
    rules: MANAGEMENT_ACCESS_RULES,
    shouldAuditWhenOff: true,
    log,
  });

  it('refuses to start when an RPC has no rule', () => {
    const { log } = recording();
    expect(() => withAccessControl(fakeMethods([]), { ...options(log), rules: {} })).toThrow(
      'ListSchedulers has no access rule (access-rules.ts)',
    );
  });

  it('hands the principal on and filters lists by game', async () => {
    const { log } = recording();
    const contexts: CallContext[] = [];
    const methods = withAccessControl(fakeMethods(contexts), options(log));

    const listed = (await find(methods, 'listSchedulers').invoke(
      create(SchedulersService.method.listSchedulers.input),
      {
        authorization: 'Bearer fixed-alice',
      },
    )) as unknown as { schedulers: Array<{ name: string }> };

    expect(contexts[0]?.principal).toBe(alice);
    expect(listed.schedulers.map((s) => s.name)).toEqual(['a']);
  });

  it('turns an unanticipated verifier failure into 401, never a 500', async () => {
    const { log, lines } = recording();
    const methods = withAccessControl(fakeMethods([]), options(log));

    const call = find(methods, 'getScheduler').invoke(
      create(SchedulersService.method.getScheduler.input, { schedulerName: 'a' }),
      {
        authorization: 'Bearer fixed-bob',
      },
    );

    await expect(call).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'unauthenticated: credential could not be verified',
    });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, msg: 'credential verification failed unexpectedly' }),
    );
  });

  it('refuses a credential whose subject passes for maestro itself', async () => {
    const { log } = recording();
    const methods = withAccessControl(fakeMethods([]), options(log));

    const call = find(methods, 'getScheduler').invoke(
      create(SchedulersService.method.getScheduler.input, { schedulerName: 'a' }),
      { authorization: 'Bearer fixed-impostor' },
    );

    await expect(call).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: "unauthenticated: credential subject must not start with maestro: (maestro's own)",
    });
  });
});
