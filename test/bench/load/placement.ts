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
import { readFileSync } from 'node:fs';

export interface Placement {
  /** taskset's CPU list for DynamoDB Local, and for the servers that call it; none: the scheduler's. */
  standIn?: string;
  servers?: string;
  /** For the report. */
  description: string;
}

let chosen: Placement | undefined;

export function placement(): Placement {
  return (chosen ??= choosePlacement(process.env.LOAD_PIN, allowedCores(), spawnSync('taskset', ['-V']).status === 0));
}

/**
 * The cores this process may run on, by number: in a container they need not start at 0 (Linux's
 * /proc/self/status; none where there is no such file).
 */
function allowedCores(): number[] {
  try {
    const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return list ? coreList(list) : [];
  } catch {
    return [];
  }
}

/** A CPU list as the kernel and taskset write it (`0-3,8,10-11`), as the cores' numbers. */
export function coreList(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    return Array.from({ length: to! - from! + 1 }, (_, i) => from! + i);
  });
}

/** The placement over the cores `cores` may use, with or without taskset, and LOAD_PIN as `pinSetting`. */
export function choosePlacement(pinSetting: string | undefined, cores: readonly number[], taskset: boolean): Placement {
  const unplaced = (why: string): Placement => ({ description: `every process where the scheduler puts it (${why})` });
  if (pinSetting === '0') return unplaced('LOAD_PIN=0');
  if (cores.length < 2) return unplaced('one core');
  if (!taskset) return unplaced('no taskset');
  const standIn = String(cores.at(-1));
  const servers = cores.slice(0, -1).join(',');
  return {
    standIn,
    servers,
    description: `DynamoDB Local on core ${standIn}, ours and the floor on core${cores.length === 2 ? '' : 's'} ${servers}, the peer and the client on any (LOAD_PIN=0: the scheduler's)`,
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
