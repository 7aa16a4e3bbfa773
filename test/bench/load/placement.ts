/**
 * Which cores the load phase's processes run on. In AWS, DynamoDB answers from hardware of its own;
 * here DynamoDB Local shares the machine with the server that calls it. Left to the scheduler, its
 * JVM and that server take turns on the same cores, and the floor made about 0.7× the rate it makes
 * with the JVM on a core of its own (at c=16 on two cores: 322 against 425–464 req/s). So where
 * `taskset` can place processes (Linux, two cores or more), DynamoDB Local gets the last core and
 * the servers that call it (ours and the floor) the others, as a deployment keeps the database
 * apart from its caller. The peer and the load client keep every core: the peer's database is in
 * its own process. LOAD_PIN=0 leaves every process to the scheduler.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Placement {
  /** taskset's CPU list for DynamoDB Local, and for the servers that call it; none: the scheduler's. */
  standIn?: string;
  servers?: string;
  /** For the report. */
  description: string;
}

let chosen: Placement | undefined;

export function placement(): Placement {
  return (chosen ??= choosePlacement(process.env.LOAD_PIN, availableParallelism(), spawnSync('taskset', ['-V']).status === 0));
}

/** The placement for a machine of `cores` cores, with or without taskset, and LOAD_PIN as `pinSetting`. */
export function choosePlacement(pinSetting: string | undefined, cores: number, taskset: boolean): Placement {
  const unplaced = (why: string): Placement => ({ description: `every process where the scheduler puts it (${why})` });
  if (pinSetting === '0') return unplaced('LOAD_PIN=0');
  if (cores < 2) return unplaced('one core');
  if (!taskset) return unplaced('no taskset');
  const last = cores - 1;
  const servers = last === 1 ? '0' : `0-${last - 1}`;
  return {
    standIn: String(last),
    servers,
    description: `DynamoDB Local on core ${last}, ours and the floor on core${last === 1 ? '' : 's'} ${servers}, the peer and the client on any (LOAD_PIN=0: the scheduler's)`,
  };
}

/**
 * Keeps every thread of process `pid` on `cpus` (none: leaves it be). Called once the process is up,
 * so the threads it started with are all there; the ones it starts later inherit the place.
 */
export function pin(pid: number, cpus: string | undefined): void {
  if (!cpus) return;
  const set = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { encoding: 'utf8' });
  // With -a, taskset says nothing of a process it cannot find: read the place back.
  const now = spawnSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
  if (set.status !== 0 || !now.stdout.trim().endsWith(`: ${cpus}`)) {
    throw new Error(`taskset could not place process ${pid} on core ${cpus}: ${(set.stderr + now.stderr).trim()}`);
  }
}
