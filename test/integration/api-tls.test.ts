/**
 * TLS on the APIs' own listeners, configured from the environment: `maestro start
 * management-api rooms-api` serves HTTPS and gRPC over TLS only, from files mounted as a
 * Kubernetes secret, and a rotated certificate reaches new connections without dropping open ones.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RoomsService } from '../../src/gen/api/v1/rooms_pb';
import { SchedulersService } from '../../src/gen/api/v1/schedulers_pb';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { createCa, issueCertificate } from '../support/certificates';
import { createTestDatabase } from '../support/infra';
import { waitFor } from '../support/maestro-process';
import {
  grpcStatusOf,
  httpsCall,
  SecretMount,
  serialOf,
  servedSerial,
} from '../support/tls-clients';

const OK = 0;
const UNAVAILABLE = 14;

describe('TLS on the APIs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'maestro-api-tls-'));
  const ca = createCa(dir, 'ca');
  const versions = ['v1', 'v2'].map((version) =>
    issueCertificate(ca, path.join(dir, version), 'tls', 'server'),
  );
  // A new pair whose key is another certificate's: it must not replace a working one.
  const broken = issueCertificate(ca, path.join(dir, 'v3'), 'tls', 'server');
  copyFileSync(issueCertificate(ca, path.join(dir, 'other'), 'tls', 'server').key, broken.key);
  const mount = new SecretMount(path.join(dir, 'mount'));
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: ApiProcess;
  const listeners = () => [
    { name: 'management http', port: api.ports.managementHttp, alpn: 'http/1.1' as const },
    { name: 'management grpc', port: api.ports.managementGrpc, alpn: 'h2' as const },
    { name: 'rooms http', port: api.ports.roomsHttp, alpn: 'http/1.1' as const },
    { name: 'rooms grpc', port: api.ports.roomsGrpc, alpn: 'h2' as const },
  ];
  const servedSerials = () =>
    Promise.all(listeners().map(({ port, alpn }) => servedSerial(port, ca.cert, alpn)));

  beforeAll(async () => {
    mount.swapTo(path.join(dir, 'v1'));
    mount.link();
    database = await createTestDatabase();
    api = await startApiProcess(['management-api', 'rooms-api'], database.url, {
      MAESTRO_TLS_CERT_FILE: mount.cert,
      MAESTRO_TLS_KEY_FILE: mount.key,
      MAESTRO_TLS_RELOAD_INTERVAL_MS: '200',
    });
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await database?.drop();
  });

  it('answers HTTPS and gRPC over TLS on both APIs, and refuses plaintext', async () => {
    const { managementHttp, managementGrpc, roomsHttp, roomsGrpc } = api.ports;
    expect(
      await httpsCall(managementHttp, { method: 'GET', path: '/schedulers', ca: ca.cert }),
    ).toEqual({
      status: 200,
      isReusedSocket: false,
    });
    const ping = await httpsCall(roomsHttp, {
      method: 'PUT',
      path: '/scheduler/s/rooms/r/ping',
      ca: ca.cert,
    });
    expect(ping.status).toBe(400); // answered: the body lacks its status
    expect(
      await grpcStatusOf(
        SchedulersService,
        `127.0.0.1:${managementGrpc}`,
        'listSchedulers',
        {},
        { ca: ca.cert },
      ),
    ).toBe(OK);
    expect(
      await grpcStatusOf(
        RoomsService,
        `127.0.0.1:${roomsGrpc}`,
        'getRoomAddress',
        { schedulerName: 's', roomName: 'r' },
        { ca: ca.cert },
      ),
    ).not.toBe(UNAVAILABLE);

    await expect(fetch(`http://127.0.0.1:${managementHttp}/schedulers`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${roomsHttp}/healthz`)).rejects.toThrow();
    expect(
      await grpcStatusOf(
        SchedulersService,
        `127.0.0.1:${managementGrpc}`,
        'listSchedulers',
        {},
        {},
      ),
    ).toBe(UNAVAILABLE);
    // The internal port stays plain (kubelet probes, in-cluster scraping).
    expect((await fetch(`http://127.0.0.1:${api.ports.managementInternal}/healthz`)).status).toBe(
      200,
    );
  });

  it('serves a rotated certificate to new connections, keeping open ones, and ignores a broken pair', async () => {
    expect(await servedSerials()).toEqual(Array(4).fill(serialOf(versions[0]!.cert)));
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    const open = { method: 'GET', path: '/schedulers', ca: ca.cert, agent };
    expect((await httpsCall(api.ports.managementHttp, open)).status).toBe(200);

    mount.swapTo(path.join(dir, 'v2'));
    const rotated = serialOf(versions[1]!.cert);
    expect(
      await waitFor(
        servedSerials,
        (serials) => serials.every((serial) => serial === rotated),
        15_000,
      ),
    ).toEqual(Array(4).fill(rotated));
    expect(await httpsCall(api.ports.managementHttp, open)).toEqual({
      status: 200,
      isReusedSocket: true,
    });
    agent.destroy();

    mount.swapTo(path.join(dir, 'v3'));
    await waitFor(
      () => Promise.resolve(api.output()),
      (output) => output.includes('new tls files not loaded'),
      15_000,
    );
    expect(api.output()).toContain('new tls files not loaded, serving the previous ones');
    expect(await servedSerials()).toEqual(Array(4).fill(rotated));
  });
});
