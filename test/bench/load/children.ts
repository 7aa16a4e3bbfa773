/**
 * The load benchmark's server children: started on the servers' Node, ready when they say so,
 * stopped politely and then for good.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { lambdaNodeBinary, nodeVersionOf } from '../../../infra/local/synth/functions';

/**
 * The Node every server runs on, so the comparison shares a runtime: LOAD_NODE, or the functions' own
 * (Lambda's nodejs24.x: the `node` package's binary), which is what deploys.
 */
export const serverNode = (): string => process.env.LOAD_NODE ?? lambdaNodeBinary();

let serverVersion: string | undefined;

/** The servers' Node version (`24.21.0`), asked of the binary once. */
export const serverNodeVersion = (): string => (serverVersion ??= nodeVersionOf(serverNode()));

/** A child running a TypeScript file through tsx, with the IPC channel; its output to `logFile`, or ours. */
export function tsChild(file: string, env: NodeJS.ProcessEnv, execArgv: string[] = [], logFile?: string): ChildProcess {
  const out = logFile ? openSync(logFile, 'a') : 'inherit';
  return fork(file, [], { env, execPath: serverNode(), execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', out, out, 'ipc'] });
}

/** The URL a server child sends as `{ type: 'ready', url }`; fails if it exits first. */
export const readyUrl = (child: ChildProcess, name: string): Promise<string> =>
  new Promise((resolve, reject) => {
    child.once('message', (m: { type: string; url: string }) => (m.type === 'ready' ? resolve(m.url) : reject(new Error(`unexpected ${m.type}`))));
    child.once('exit', (code) => reject(new Error(`the ${name} exited (${code}) before it was ready`)));
  });

/** Asks the child to stop (`ask`), and kills it if it has not exited `graceMs` later. */
export const stopChild = (child: ChildProcess, ask: () => void, graceMs = 10_000): Promise<void> =>
  new Promise((resolve) => {
    // Gone already: exited, or killed by a signal (exitCode stays null then, and 'exit' has fired).
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    ask();
  });
