/**
 * `npm run dev:stop-rooms`: stops the local rooms a stopped `npm run dev` left running (in
 * .maestro/dev/rooms, or MAESTRO_DEV_STATE_DIR / MAESTRO_LOCAL_RUNTIME_DIR). Run it once dev has
 * stopped: a running maestro would create the rooms its schedulers want again.
 */
import { listLiveLocalRooms } from '../src/adapters/runtime/local/live-rooms';
import { devRuntimeDir } from './dev-environment';
import { describeRooms, stopLocalRooms } from './dev-rooms';

async function main() {
  const runtimeDir = devRuntimeDir();
  const live = await listLiveLocalRooms(runtimeDir);
  if (live.length === 0) {
    console.log(`[dev] no local room is running in ${runtimeDir}`);
    return;
  }
  console.log(`[dev] stopping ${describeRooms(live)} in ${runtimeDir}`);
  await stopLocalRooms(runtimeDir, live);
  console.log(`[dev] stopped ${describeRooms(live)}`);
}

main().catch((error: unknown) => {
  console.error(`[dev] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
