/** The load benchmark's children (test/bench/load/children.ts, client.ts): a server that died is no hang. */
import { spawn } from 'node:child_process';
import { processCpu } from '../bench/load/client';
import { stopChild } from '../bench/load/children';

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
