/** The load benchmark's children (test/bench/load/children.ts, client.ts, index.ts): a server that died is no hang, and its window runs again once. */
import { spawn } from 'node:child_process';
import { processCpu, type LoadResult } from '../bench/load/client';
import { stopChild } from '../bench/load/children';
import { rerunIfDied } from '../bench/load/index';

it('stops at once a child already killed by a signal (its exitCode stays null), and reads its CPU as NaN', async () => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((r) => child.once('spawn', r));
  expect(Number.isFinite(processCpu(child.pid!).user)).toBe(true);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGABRT');
  await exited;
  expect(child.exitCode).toBeNull();
  expect(child.signalCode).toBe('SIGABRT');
  const asked = jest.fn();
  await expect(Promise.race([stopChild(child, asked, 60_000).then(() => 'stopped'), new Promise((r) => setTimeout(() => r('hung'), 2_000))])).resolves.toBe('stopped');
  expect(asked).not.toHaveBeenCalled();
  expect(processCpu(child.pid!)).toEqual({ user: NaN, system: NaN });
});

describe('a window the server died in', () => {
  const windows = (...results: string[]) => {
    const run = jest.fn();
    for (const r of results) run.mockResolvedValueOnce({ label: r } as unknown as LoadResult);
    return run;
  };

  it('is kept as it is when the server lived', async () => {
    const window = windows('first');
    const restart = jest.fn();
    await expect(rerunIfDied(window, () => undefined, restart)).resolves.toEqual({ label: 'first' });
    expect(window).toHaveBeenCalledTimes(1);
    expect(restart).not.toHaveBeenCalled();
  });

  it('runs again on the restarted server, which is told why', async () => {
    let dead: string | undefined;
    let calls = 0;
    const window = jest.fn(async (): Promise<LoadResult> => {
      const label = ++calls === 1 ? 'died in' : 'again';
      if (label === 'died in') dead = 'the peer server died (SIGABRT)';
      return { label } as unknown as LoadResult;
    });
    const restart = jest.fn(async () => {
      dead = undefined;
    });
    await expect(rerunIfDied(window, () => dead, restart)).resolves.toEqual({ label: 'again' });
    expect(restart).toHaveBeenCalledTimes(1);
    expect(restart).toHaveBeenCalledWith('the peer server died (SIGABRT)');
    expect(window).toHaveBeenCalledTimes(2);
  });

  it('runs again once only: dying again is the result', async () => {
    const window = windows('died in', 'died again');
    const restart = jest.fn(async () => {});
    await expect(rerunIfDied(window, () => 'the peer server died (SIGABRT)', restart)).resolves.toEqual({ label: 'died again' });
    expect(restart).toHaveBeenCalledTimes(1);
    expect(window).toHaveBeenCalledTimes(2);
  });
});
