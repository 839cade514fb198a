#!/usr/bin/env node
// A sample game room for maestro: what a dedicated game server does to live under maestro, written
// with @maestro/game-room-sdk (packages/game-room-sdk).
//
// It reads its identity from the environment maestro gives every room, serves a tiny HTTP control
// endpoint on its host port, and reports its state to the Rooms API: `ready` once it listens, then
// `occupied` or `ready` when told, and `terminating` when it stops.
//
//   MAESTRO_SCHEDULER_NAME, MAESTRO_ROOM_ID   set by maestro
//   MAESTRO_HOST_PORT_<NAME>                  the port to listen on (local runtime), e.g. _GAME
//   ROOMS_API_ADDRESS                         default http://127.0.0.1:8070
//   GAME_PORT_NAME                            which port to serve on (default: game)
//   PING_INTERVAL_MS                          default 5000
//   MAESTRO_ROOM_TOKEN                        sent as a bearer token when maestro sets it
//
// Control: GET /status, POST /occupy, POST /free, POST /exit?code=N; SIGUSR1 toggles occupied.
// Players: PUT /players/<id> (joins: a `playerJoin` event, and the room is occupied), DELETE
// /players/<id> (leaves: `playerLeft`, and the room is ready again once empty).
'use strict';
const http = require('node:http');
const { GameRoom } = require('@maestro/game-room-sdk');

const scheduler = required('MAESTRO_SCHEDULER_NAME');
const roomId = required('MAESTRO_ROOM_ID');
const portName = (process.env.GAME_PORT_NAME || 'game').toUpperCase().replace(/[^A-Z0-9]/g, '_');
const port = Number(process.env[`MAESTRO_HOST_PORT_${portName}`] || process.env.PORT || 0);

let status = 'ready';
const pings = { sent: 0, failed: 0 };
const players = new Set();

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

// Identity, ROOMS_API_ADDRESS and MAESTRO_ROOM_TOKEN come from the environment; a ready room
// reports runningMatches 0, an occupied one 1. After a failed ping the next one comes within the
// interval (the backoff is capped at it). SIGTERM: the `signal` listener below, then a
// `terminating` ping, then exit 0.
const pingIntervalMs = Number(process.env.PING_INTERVAL_MS || 5000);
const room = new GameRoom({
  pingIntervalMs,
  backoff: { initialMs: pingIntervalMs, maxMs: pingIntervalMs },
  timeoutMs: 2000,
});
room.on('ping', (report) => {
  if (report.error === undefined || report.error.name === 'RoomsApiError') pings.sent++;
  if (report.error !== undefined) pings.failed++;
});
room.on('pingFailed', (error, failure) =>
  log('ping failed', { status: failure.status, error: String(error.message || error) }),
);
room.on('signal', (signal) => {
  log(`${signal} received, terminating`);
  server.close();
});

function setStatus(next) {
  if (next === status) return;
  status = next;
  log('status changed', { status });
  void (status === 'occupied' ? room.occupied() : room.ready());
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url, 'http://room');
  const reply = (code, body) => {
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.method === 'GET' && url.pathname === '/status')
    return reply(200, { roomId, scheduler, status, pings, players: [...players] });
  const player = /^\/players\/([^/]+)$/.exec(url.pathname)?.[1];
  if (player !== undefined && (request.method === 'PUT' || request.method === 'DELETE')) {
    const playerId = decodeURIComponent(player);
    const isJoin = request.method === 'PUT';
    if (isJoin) players.add(playerId);
    else players.delete(playerId);
    setStatus(players.size > 0 ? 'occupied' : 'ready');
    return room.playerEvent(isJoin ? 'playerJoin' : 'playerLeft', playerId).then(
      () => reply(200, { status, players: [...players] }),
      (error) => reply(502, { error: String(error.message || error) }),
    );
  }
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

process.on('SIGUSR1', () => setStatus(status === 'occupied' ? 'ready' : 'occupied'));

server.on('error', (error) => {
  // Its host port held by another process (an outgoing connection can hold one inside the host's
  // ephemeral range): said plainly, and the room ends; maestro replaces it on another port.
  log('cannot listen', { port, error: error.code || String(error) });
  process.exit(1);
});

server.listen(port, () => {
  log('listening', { port: server.address().port, scheduler });
  void room.ready();
});
