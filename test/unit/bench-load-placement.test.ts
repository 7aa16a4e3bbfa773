/** The load benchmark's placement (test/bench/load/placement.ts): DynamoDB Local on a core of its own, its callers on the rest. */
import { spawn, spawnSync } from 'node:child_process';
import { choosePlacement, coreList, pin } from '../bench/load/placement';

describe('the placement', () => {
  it('gives DynamoDB Local the last core and the servers the others', () => {
    expect(choosePlacement(undefined, [0, 1], true)).toMatchObject({ standIn: '1', servers: '0' });
    expect(choosePlacement(undefined, coreList('0-7'), true)).toMatchObject({ standIn: '7', servers: '0,1,2,3,4,5,6' });
  });

  it('places on the cores the process may use, which in a container need not start at 0', () => {
    expect(coreList('0-3,8,10-11')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(choosePlacement(undefined, coreList('4-5'), true)).toMatchObject({ standIn: '5', servers: '4' });
  });

  it('leaves every process to the scheduler on one core, without taskset, or when told', () => {
    for (const [setting, cores, taskset, why] of [
      [undefined, [0], true, 'one core'],
      [undefined, [0, 1, 2, 3], false, 'no taskset'],
      ['0', [0, 1, 2, 3], true, 'LOAD_PIN=0'],
    ] as const) {
      const chosen = choosePlacement(setting, cores, taskset);
      expect(chosen.standIn).toBeUndefined();
      expect(chosen.servers).toBeUndefined();
      expect(chosen.description).toContain(why);
    }
  });
});

describe('pin', () => {
  const taskset = spawnSync('taskset', ['-V']).status === 0;

  (taskset ? it : it.skip)('keeps every thread of a running process on the cores given', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      pin(child.pid!, '0');
      const threads = spawnSync('ls', [`/proc/${child.pid}/task`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      expect(threads.length).toBeGreaterThan(1);
      for (const tid of threads) expect(spawnSync('taskset', ['-c', '-p', tid], { encoding: 'utf8' }).stdout).toMatch(/: 0\n$/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('leaves a process be when given no cores, and says which process it could not place', () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    expect(() => pin(gone, undefined)).not.toThrow();
    if (taskset) expect(() => pin(gone, '0')).toThrow(new RegExp(`could not place process ${gone} on core 0: .*No such process`));
  });
});
