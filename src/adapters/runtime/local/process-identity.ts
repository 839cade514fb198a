import { readFileSync } from 'node:fs';

/**
 * A process's start time (clock ticks since boot, /proc/<pid>/stat field 22), which together with
 * the pid identifies a process even after its pid is reused. Empty where /proc does not exist.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after it are space-separated.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return isProcAvailable() ? undefined : '';
    throw error;
  }
}

/** Whether the process that had `startTime` when recorded still runs (and is not a zombie). */
export function isSameProcessAlive(pid: number, startTime: string): boolean {
  if (!isProcAvailable()) return isSignalable(pid);
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] !== 'Z' && fields[19] === startTime;
  } catch {
    return false;
  }
}

let procAvailable: boolean | undefined;
function isProcAvailable(): boolean {
  if (procAvailable === undefined) {
    try {
      readFileSync('/proc/self/stat');
      procAvailable = true;
    } catch {
      procAvailable = false;
    }
  }
  return procAvailable;
}

function isSignalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
