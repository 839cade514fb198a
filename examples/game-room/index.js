#!/usr/bin/env node
// A sample game room for maestro: what a dedicated game server does to live under maestro.
//
// It reads its identity from the environment maestro gives every room, serves a tiny HTTP control
// endpoint on its host port, and reports its state to the Rooms API: `ready` once it listens, then
// `occupied` or `ready` when told, and `terminating` when it stops. Plain Node, no dependencies.
//
//   MAESTRO_SCHEDULER_NAME, MAESTRO_ROOM_ID   set by maestro
//   MAESTRO_HOST_PORT_<NAME>                  the port to listen on (local runtime), e.g. _GAME
//   ROOMS_API_ADDRESS                         default http://127.0.0.1:8070
//   GAME_PORT_NAME                            which port to serve on (default: game)
//   PING_INTERVAL_MS                          default 5000
//   MAESTRO_ROOM_TOKEN                        sent as a bearer token when maestro sets it
//
// Control: GET /status, POST /occupy, POST /free, POST /exit?code=N; SIGUSR1 toggles occupied.
'use strict';
const http = require('node:http');

const scheduler = required('MAESTRO_SCHEDULER_NAME');
const roomId = required('MAESTRO_ROOM_ID');
const roomsApi = (process.env.ROOMS_API_ADDRESS || 'http://127.0.0.1:8070').replace(/\/$/, '');
const portName = (process.env.GAME_PORT_NAME || 'game').toUpperCase().replace(/[^A-Z0-9]/g, '_');
const port = Number(process.env[`MAESTRO_HOST_PORT_${portName}`] || process.env.PORT || 0);
const pingIntervalMs = Number(process.env.PING_INTERVAL_MS || 5000);

let status = 'ready';
let pings = { sent: 0, failed: 0 };

function log(msg, fields = {}) {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), roomId, msg, ...fields })}\n`,
  );
}

function required(name) {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`game-room: ${name} is not set (maestro sets it)\n`);
    process.exit(2);
  }
  return value;
}

async function ping(pingStatus) {
  const url = `${roomsApi}/scheduler/${scheduler}/rooms/${roomId}/ping`;
  const headers = { 'content-type': 'application/json' };
  if (process.env.MAESTRO_ROOM_TOKEN)
    headers.authorization = `Bearer ${process.env.MAESTRO_ROOM_TOKEN}`;
  const body = JSON.stringify({
    status: pingStatus,
    timestamp: Math.floor(Date.now() / 1000),
    runningMatches: pingStatus === 'occupied' ? 1 : 0,
  });
  try {
    const response = await fetch(url, {
      method: 'PUT',
      headers,
      body,
      signal: AbortSignal.timeout(2000),
    });
    pings.sent++;
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    pings.failed++;
    log('ping failed', { status: pingStatus, error: String(error.message || error) });
  }
}

function setStatus(next) {
  if (next === status) return;
  status = next;
  log('status changed', { status });
  void ping(status);
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url, 'http://room');
  const reply = (code, body) => {
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.method === 'GET' && url.pathname === '/status')
    return reply(200, { roomId, scheduler, status, pings });
  if (request.method === 'POST' && url.pathname === '/occupy')
    return (setStatus('occupied'), reply(200, { status }));
  if (request.method === 'POST' && url.pathname === '/free')
    return (setStatus('ready'), reply(200, { status }));
  if (request.method === 'POST' && url.pathname === '/exit') {
    const code = Number(url.searchParams.get('code') || 0);
    reply(200, { exiting: code });
    return setTimeout(() => process.exit(code), 50);
  }
  return reply(404, { error: 'not found' });
});

const ticker = setInterval(() => void ping(status), pingIntervalMs);
process.on('SIGUSR1', () => setStatus(status === 'occupied' ? 'ready' : 'occupied'));
process.on('SIGTERM', async () => {
  log('SIGTERM received, terminating');
  clearInterval(ticker);
  server.close();
  await ping('terminating');
  process.exit(0);
});

server.listen(port, () => {
  log('listening', { port: server.address().port, scheduler });
  void ping('ready');
});
