/**
 * mTLS (MAESTRO_TLS_CLIENT_CA_FILE) on the Rooms API run as several processes
 * (MAESTRO_ROOMS_API_PROCESSES=2): every worker serves TLS on the shared ports and refuses a
 * client without a certificate the CA signed, over HTTPS and gRPC alike.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RoomsService } from '../../src/gen/api/v1/rooms_pb';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { createCa, issueCertificate } from '../support/certificates';
import { createTestDatabase } from '../support/infra';
import { grpcStatusOf, httpsCall } from '../support/tls-clients';

const UNAVAILABLE = 14;
/** New connections, handed round-robin to the workers (which one answers is not checked). */
const CONNECTIONS = 6;

describe('mTLS on the Rooms API processes', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'maestro-api-mtls-'));
  const serverCa = createCa(dir, 'server-ca');
  const clientCa = createCa(path.join(dir, 'clients'), 'client-ca');
  const server = issueCertificate(serverCa, dir, 'server', 'server');
  const client = issueCertificate(clientCa, dir, 'matchmaker', 'client');
  // Signed by a CA the API does not trust for clients.
  const stranger = issueCertificate(serverCa, dir, 'stranger', 'client');
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: ApiProcess;
  const ping = { method: 'PUT', path: '/scheduler/s/rooms/r/ping', ca: serverCa.cert };
  const grpcAddress = () => `127.0.0.1:${api.ports.roomsGrpc}`;
  const address = { schedulerName: 's', roomName: 'r' };

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startApiProcess(['rooms-api'], database.url, {
      MAESTRO_TLS_CERT_FILE: server.cert,
      MAESTRO_TLS_KEY_FILE: server.key,
      MAESTRO_TLS_CLIENT_CA_FILE: clientCa.cert,
      MAESTRO_ROOMS_API_PROCESSES: '2',
    });
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await database?.drop();
  });

  it('answers a client with a certificate the CA signed, connection after connection', async () => {
    const answers = await Promise.all(
      Array.from({ length: CONNECTIONS }, () =>
        httpsCall(api.ports.roomsHttp, { ...ping, client }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(CONNECTIONS).fill(400));
    const status = await grpcStatusOf(RoomsService, grpcAddress(), 'getRoomAddress', address, {
      ca: serverCa.cert,
      client,
    });
    expect(status).not.toBe(UNAVAILABLE);
  });

  it('refuses a client without a certificate, or with one another CA signed', async () => {
    await expect(httpsCall(api.ports.roomsHttp, ping)).rejects.toThrow();
    await expect(httpsCall(api.ports.roomsHttp, { ...ping, client: stranger })).rejects.toThrow();
    const security = { ca: serverCa.cert };
    expect(
      await grpcStatusOf(RoomsService, grpcAddress(), 'getRoomAddress', address, security),
    ).toBe(UNAVAILABLE);
    expect(
      await grpcStatusOf(RoomsService, grpcAddress(), 'getRoomAddress', address, {
        ...security,
        client: stranger,
      }),
    ).toBe(UNAVAILABLE);
  });
});
