/**
 * The Management API's HTTP routes over a Rooms API harness's stores, for `GET /schedulers/info`:
 * the room counts a user reads. Its Temporal connection is lazy and never used by that route.
 */
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { TemporalOperationQueue } from '../../../src/adapters/temporal/temporal-operation-queue';
import { buildManagementHttpApp } from '../../../src/api/management/http-routes';
import { OperationCommands } from '../../../src/app/operation-commands';
import { SchedulerCommands } from '../../../src/app/scheduler-commands';
import { SchedulerQueries } from '../../../src/app/scheduler-queries';
import { loadConfig } from '../../../src/config/load';
import { operationQueueConfig } from '../../../src/main/infra/resources';
import { sharedInfra } from '../../support/infra';
import type { RoomsApiHarness } from '../../support/rooms-api-server';

/** One scheduler of `GET /schedulers/info`, as Maestro's JSON spells it. */
export interface SchedulerInfo {
  name: string;
  roomsReady: number;
  roomsOccupied: number;
  roomsPending: number;
  roomsTerminating: number;
}

export interface SchedulersOverview {
  info(name: string): Promise<SchedulerInfo | undefined>;
  close(): Promise<void>;
}

export async function startSchedulersOverview(
  api: Pick<RoomsApiHarness, 'schedulers' | 'rooms'>,
): Promise<SchedulersOverview> {
  const connection = Connection.lazy({ address: sharedInfra().temporalAddress });
  const queue = new TemporalOperationQueue(
    new Client({ connection }),
    operationQueueConfig(loadConfig({ MAESTRO_RUNTIME: 'local' })),
  );
  const app = buildManagementHttpApp({
    schedulerCommands: new SchedulerCommands({ schedulers: api.schedulers, operations: queue }),
    schedulerQueries: new SchedulerQueries(api.schedulers, api.rooms),
    operationCommands: new OperationCommands(queue),
    log: pino({ level: 'silent' }),
  });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    async info(name) {
      const response = await fetch(`${baseUrl}/schedulers/info`);
      if (response.status !== 200) throw new Error(`GET /schedulers/info: ${response.status}`);
      const body = (await response.json()) as { schedulers: SchedulerInfo[] };
      return body.schedulers.find((scheduler) => scheduler.name === name);
    },
    async close() {
      await app.close();
      await connection.close();
    },
  };
}
