import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { buildManagementHttpApp } from '../../src/api/management/http-routes';
import type { ManagementApiDeps } from '../../src/api/management/management-service';
import { DomainError, ErrorCode } from '../../src/domain/errors';
import { loadConfig } from '../../src/config/load';
import { addCodecEndpoint } from '../../src/main/modules/codec-wiring';
import type { CodecAuthorizer } from '../../src/api/management/codec-routes';
import { CredentialKind, type Grant } from '../../src/domain/access/principal';
import { codecAuthorizer } from '../../src/main/modules/access-wiring';
import type { CredentialVerifier } from '../../src/ports/credential-verifier';

const log = pino({ level: 'silent' });
const UI = 'http://127.0.0.1:8233';
const keyed = {
  MAESTRO_PAYLOAD_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  MAESTRO_CODEC_CORS_ORIGINS: UI,
};
const b64 = (text: string) => Buffer.from(text).toString('base64');
const plain = { metadata: { encoding: b64('json/plain') }, data: b64('{"env":"s3cr3t"}') };

interface Answer {
  statusCode: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** The Management API's HTTP app (its use cases unused here) with the codec endpoint, on loopback. */
async function appWith(env: Record<string, string>, authorize?: CodecAuthorizer) {
  const app = buildManagementHttpApp({ log } as unknown as ManagementApiDeps);
  addCodecEndpoint(app, loadConfig(env).temporal, log, authorize);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  opened.push(app);
  return {
    request: async (method: string, path: string, init: RequestInit = {}): Promise<Answer> => {
      const response = await fetch(`${url}/codec/${path}`, { method, ...init });
      const text = await response.text();
      return {
        statusCode: response.status,
        headers: response.headers,
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      };
    },
  };
}
const opened: Array<{ close: () => Promise<unknown> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

const post = (
  app: Awaited<ReturnType<typeof appWith>>,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  app.request('POST', path, {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('codec endpoint', () => {
  it('round-trips payloads through encode then decode when keys are configured', async () => {
    const app = await appWith(keyed);
    const encoded = await post(app, 'encode', { payloads: [plain] });
    expect(encoded.statusCode).toBe(200);
    const sealed = encoded.body['payloads'] as Array<typeof plain>;
    expect(Buffer.from(sealed[0]?.metadata.encoding ?? '', 'base64').toString()).toBe(
      'binary/encrypted',
    );
    expect(JSON.stringify(sealed)).not.toContain(plain.data);

    const decoded = await post(app, 'decode', { payloads: sealed });
    expect(decoded.body).toEqual({ payloads: [plain] });
  });

  it('is not served when no payload key is configured', async () => {
    const response = await post(await appWith({}), 'decode', { payloads: [plain] });
    expect(response.statusCode).toBe(404);
  });

  it('answers a browser preflight from the allowed origin only', async () => {
    const app = await appWith(keyed);
    const preflight = (origin: string) =>
      app.request('OPTIONS', 'decode', {
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const allowed = await preflight(UI);
    const other = await preflight('https://evil.example.com');

    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-namespace');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('names the field and the rule when the body is malformed', async () => {
    const response = await post(await appWith(keyed), 'decode', {
      payloads: [{ metadata: { encoding: 'not base64!' } }],
    });
    expect(response.statusCode).toBe(400);
    expect(response.body['code']).toBe(3);
    expect(response.body['message']).toContain(
      'body.payloads[0].metadata.encoding: must be base64',
    );
  });

  it('asks the access control hook first and answers its refusal', async () => {
    const calls: unknown[] = [];
    const app = await appWith(keyed, (authorization, call) => {
      calls.push({ authorization, ...call });
      return Promise.reject(new DomainError(ErrorCode.UNAUTHENTICATED, 'missing credential'));
    });
    const response = await post(
      app,
      'decode',
      { payloads: [plain] },
      { authorization: 'Bearer x' },
    );
    expect(response.statusCode).toBe(401);
    expect(response.body).toMatchObject({ code: 16, message: 'missing credential' });
    expect(calls).toEqual([{ authorization: 'Bearer x', action: 'decode', peer: '127.0.0.1' }]);
  });

  describe('with access control on (MAESTRO_AUTH_REQUIRED)', () => {
    /** Credentials `grants-<role:game,…>` prove a principal holding those grants. */
    const grantsVerifier: CredentialVerifier = {
      recognizes: (token) => token.startsWith('grants-'),
      verify: (token) =>
        Promise.resolve({
          subject: 'ui-user',
          credentialId: token,
          kind: CredentialKind.API_KEY,
          grants: token
            .slice('grants-'.length)
            .split(',')
            .map((text) => ({ role: text.split(':')[0], game: text.split(':')[1] }) as Grant),
        }),
    };
    const access = loadConfig({ MAESTRO_AUTH_REQUIRED: 'true' }).access;
    const secured = () =>
      appWith(
        keyed,
        codecAuthorizer(access, log, () => [grantsVerifier]),
      );
    const decode = async (authorization?: string) =>
      post(
        await secured(),
        'decode',
        { payloads: [plain] },
        authorization ? { authorization } : {},
      );

    it('decodes for a viewer of every game, and for nobody else', async () => {
      expect((await decode('Bearer grants-viewer:*')).statusCode).toBe(200);
      expect((await decode('Bearer grants-admin:*')).statusCode).toBe(200);
      expect(await decode('Bearer grants-admin:tennis')).toMatchObject({
        statusCode: 403,
        body: { code: 7, message: 'permission denied: codec decode needs role viewer on game *' },
      });
      expect(await decode()).toMatchObject({ statusCode: 401, body: { code: 16 } });
    });

    it('encodes only for an admin of every game', async () => {
      const app = await secured();
      const encode = (authorization: string) =>
        post(app, 'encode', { payloads: [plain] }, { authorization });

      expect((await encode('Bearer grants-admin:*')).statusCode).toBe(200);
      expect(await encode('Bearer grants-viewer:*')).toMatchObject({
        statusCode: 403,
        body: { message: 'permission denied: codec encode needs role admin on game *' },
      });
    });

    it('is open, as the rest of the API, when access control is off', async () => {
      const open = codecAuthorizer(loadConfig({}).access, log, () => {
        throw new Error('no verifier is made while access control is off');
      });
      const app = await appWith(keyed, open);

      expect((await post(app, 'decode', { payloads: [plain] })).statusCode).toBe(200);
    });
  });
});
