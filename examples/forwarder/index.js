#!/usr/bin/env node
// A sample game backend for maestro's event forwarding: a gRPC server implementing Maestro's
// `eventforwarder.GRPCForwarder` (proto/eventforwarder/events.proto), as a matchmaker or game
// backend does to hear about rooms and players. It prints one line per event and answers
// `{code: 200}`; any other code makes maestro report the event as failed.
//
//   FORWARDER_ADDRESS   where to listen (default 127.0.0.1:50051); a scheduler's forwarder
//                       `address` points here
//   FORWARDER_JSON=1    one JSON object per line instead of text
'use strict';
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const address = process.env.FORWARDER_ADDRESS || '127.0.0.1:50051';
const isJson = process.env.FORWARDER_JSON === '1';

// Enum values as their names ("ready", "PLAYER_JOINED"), the contract's lowercase names included.
const definition = protoLoader.loadSync(
  path.join(__dirname, '..', '..', 'proto', 'eventforwarder', 'events.proto'),
  { enums: String, defaults: true, keepCase: true },
);
const { eventforwarder } = grpc.loadPackageDefinition(definition);

function print(kind, room, fields) {
  const line = {
    time: new Date().toISOString(),
    kind,
    game: room.game,
    roomId: room.roomId,
    ...fields,
  };
  if (isJson) return process.stdout.write(`${JSON.stringify(line)}\n`);
  const details = Object.entries(fields)
    .filter(
      ([, value]) => value !== '' && !(typeof value === 'object' && !Object.keys(value).length),
    )
    .map(([name, value]) => `${name}=${typeof value === 'object' ? JSON.stringify(value) : value}`)
    .join(' ');
  process.stdout.write(`${line.time} ${kind.padEnd(13)} ${room.game}/${room.roomId} ${details}\n`);
}

const accepted = (callback) => callback(null, { code: 200, message: '' });
const roomOf = (request) => request.room || {};

const server = new grpc.Server();
server.addService(eventforwarder.GRPCForwarder.service, {
  SendRoomStatus: ({ request }, callback) => {
    const room = roomOf(request);
    print('room status', room, { status: request.statusType, host: room.host, port: room.port });
    accepted(callback);
  },
  SendRoomResync: ({ request }, callback) => {
    print('room resync', roomOf(request), { status: request.statusType });
    accepted(callback);
  },
  SendRoomEvent: ({ request }, callback) => {
    print('room event', roomOf(request), { event: request.eventType, metadata: request.metadata });
    accepted(callback);
  },
  SendPlayerEvent: ({ request }, callback) => {
    print('player event', roomOf(request), {
      player: request.playerId,
      event: request.eventType,
      metadata: request.metadata,
    });
    accepted(callback);
  },
  // Declared by the proto, never called by maestro.
  SendRoomInfo: (_call, callback) => accepted(callback),
  SendRoomPing: (_call, callback) => accepted(callback),
});

server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(`forwarder: cannot listen on ${address}: ${error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`forwarder listening on ${address.replace(/:\d+$/, '')}:${port}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => server.tryShutdown(() => process.exit(0)));
