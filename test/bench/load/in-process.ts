/**
 * The verify step's handler alone: `npx tsx test/bench/load/in-process.ts` (DynamoDB Local of its
 * own, about a minute; it runs itself on the load servers' Node: LOAD_NODE, or the functions'; `npm
 * run bench` runs it after the load phase). POST /2fa/authenticate's handler is called in this
 * process, one request at a time, with no HTTP server in front, three ways:
 * - as it is, against DynamoDB Local; the CPU inside its `db().send` calls is summed apart (one
 *   request at a time, the CPU between a call's start and its answer is that call's);
 * - with DynamoDB answered from memory: one user's account Query as read before a login, and an
 *   empty answer to the login's transaction, so nothing is written and the same token and code pass
 *   again. What is left is our own code: the wrapper, tokens, the code check, the audit event;
 * - answered from memory again, each answer after an idle wait as long as a real call takes (a
 *   timer): what waking from a wait costs our code, with no DynamoDB work at all;
 * - beside them, in alternating blocks, the same client's two floor calls (load/floor.ts: the
 *   step's Query and transaction with items shaped as ours).
 * IN_PROCESS_CPU_PROFILE=<dir> also writes V8 profiles of the handler, the floor and our own code
 * (answered from memory), each run alone (load/profile-summary.ts reads them).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { serverNode, serverNodeVersion } from './children';
import { loadEnvironment } from './environment';
import { clientSend, floorCalls } from './floor';
import { prepare } from './ours';
import { median } from '../stats';
import type { Operation } from '../../../shared/store/commands';

const BLOCK = 20;
const currentStep = () => Math.floor(Date.now() / 30_000);
const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

async function measure(dynamoEndpoint: string, tmp: string) {
  const { ensureTable } = await import('../../../infra/local/create-table');
  const env = loadEnvironment(tmp, dynamoEndpoint);
  await ensureTable(dynamoEndpoint, env.TABLE_NAME!);
  const users = Number(process.env.IN_PROCESS_USERS ?? 300);
  const profileDir = process.env.IN_PROCESS_CPU_PROFILE;
  const prep = await prepare({ ...env, SCRYPT_LOG_N: '14', LOAD_TOKENS_PER_USER: '1' }, 'verify', profileDir ? 2 * users : users, join(tmp, 'prep.json'));
  // With a profile asked for, its logins have users of their own (a token signs in once).
  const profileUsers = profileDir ? prep.verify.splice(users) : [];
  Object.assign(process.env, env, { LOG_LEVEL: 'ERROR' });

  const { handler } = await import('../../../functions/twofa/authenticate');
  const { lambdaContext, matchRoute, toApiEvent } = await import('../../../infra/local/api-event');
  const { db } = await import('../../../shared/store/client');
  const route = matchRoute('POST', '/2fa/authenticate');
  if (!route || route === 'method') throw new Error('no route for POST /2fa/authenticate');
  const context = { ...lambdaContext('twofa-authenticate'), getRemainingTimeInMillis: () => 100_000 };
  const TableName = env.TABLE_NAME!;

  // Every DynamoDB call of this process: timed in CPU while a handler block runs, or answered from
  // memory (`answers`, by operation) in the last phase.
  const client = db();
  const send = client.send.bind(client) as (command: object) => Promise<unknown>;
  let inCalls: number | undefined;
  let callWallMs = 0;
  let callCount = 0;
  let answers: Map<Operation, () => unknown> | undefined;
  let waitMs = 0;
  let lastQuery: { Items?: Record<string, unknown>[] } | undefined;
  (client as { send: unknown }).send = async (command: { operation: Operation }) => {
    const answer = answers?.get(command.operation);
    if (answer && waitMs) await new Promise((resolve) => setTimeout(resolve, waitMs));
    if (answer) return answer();
    if (inCalls === undefined) {
      const output = await send(command);
      if (command.operation === 'Query') lastQuery = output as typeof lastQuery;
      return output;
    }
    const since = process.cpuUsage();
    const start = performance.now();
    try {
      return await send(command);
    } finally {
      inCalls += cpuMs(since);
      callWallMs += performance.now() - start;
      callCount++;
    }
  };

  // Codes are made once per user and step: the repeated login measures the handler, not otplib here.
  const codes = new Map<string, Promise<string>>();
  const codeOf = (secret: string, step: number) => {
    const key = `${secret}:${step}`;
    if (!codes.has(key)) codes.set(key, generate({ secret, epoch: step * 30 }));
    return codes.get(key)!;
  };
  const verify = async (user: (typeof prep.verify)[number], step = currentStep()) => {
    const code = await codeOf(user.secret, step);
    const headers = { authorization: `Bearer ${user.tokens[0]}`, 'content-type': 'application/json' };
    const event = toApiEvent({ method: 'POST', url: '/2fa/authenticate', headers, body: Buffer.from(JSON.stringify({ code })), sourceIp: '127.0.0.1' }, route);
    const result = (await handler(event, context as never)) as { statusCode: number; body?: string };
    if (result.statusCode !== 200) throw new Error(`verify answered ${result.statusCode}: ${result.body}`);
  };
  // The floor's calls (load/floor.ts), through the same client.
  const calls = floorCalls(TableName, await clientSend(), (item) => item, `in-process-${process.pid}`);
  await calls.seed();
  const floor = calls.verify;

  // Warm both paths (the signing key, the policy, the data key, the JIT), then alternate blocks.
  const [warm, timed, remembered] = [prep.verify.slice(0, BLOCK), prep.verify.slice(BLOCK, -1), prep.verify.at(-1)!];
  for (const user of warm) await verify(user);
  for (let i = 0; i < BLOCK; i++) await floor();
  const blocks: { handler: number; calls: number; floor: number }[] = [];
  for (let b = 0; b + BLOCK <= timed.length; b += BLOCK) {
    inCalls = 0;
    let since = process.cpuUsage();
    for (const user of timed.slice(b, b + BLOCK)) await verify(user);
    const handlerMs = cpuMs(since) / BLOCK;
    const callsMs = inCalls / BLOCK;
    inCalls = undefined;
    since = process.cpuUsage();
    for (let i = 0; i < BLOCK; i++) await floor();
    blocks.push({ handler: handlerMs, calls: callsMs, floor: cpuMs(since) / BLOCK });
  }

  // Our own code: one user's login answered again and again from memory. Its account as read before
  // the login (the Query the first, real login makes), and an empty answer to the transaction.
  const step = currentStep();
  answers = new Map([['TransactWriteItems', () => ({})]]);
  await verify(remembered, step);
  const account = lastQuery!;
  answers.set('Query', () => ({ ...account, Items: account.Items?.map((item) => ({ ...item })) }));
  const alone: number[] = [];
  const waking: number[] = [];
  const realWaitMs = Math.max(1, Math.round(callWallMs / callCount));
  for (let b = 0; b < blocks.length; b++) {
    waitMs = 0;
    let since = process.cpuUsage();
    for (let i = 0; i < 10 * BLOCK; i++) await verify(remembered, step);
    alone.push(cpuMs(since) / (10 * BLOCK));
    waitMs = realWaitMs;
    since = process.cpuUsage();
    for (let i = 0; i < BLOCK; i++) await verify(remembered, step);
    waking.push(cpuMs(since) / BLOCK);
  }
  waitMs = 0;
  if (profileDir) {
    const fromMemory = answers;
    answers = undefined;
    await profiled(profileDir, {
      handler: async () => {
        for (const user of profileUsers) await verify(user);
      },
      floor: async () => {
        for (let i = 0; i < profileUsers.length; i++) await floor();
      },
      'our-code': async () => {
        answers = fromMemory;
        for (let i = 0; i < 10 * profileUsers.length; i++) await verify(remembered, step);
        answers = undefined;
      },
    });
  }
  return { blocks, alone, waking, realWaitMs };
}

/** Each phase run alone under V8's profiler, written as `<dir>/<phase>.cpuprofile`. */
async function profiled(dir: string, phases: Record<string, () => Promise<void>>) {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  mkdirSync(dir, { recursive: true });
  for (const [name, run] of Object.entries(phases)) {
    await session.post('Profiler.start');
    await run();
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  }
  session.disconnect();
}

/** The report's lines, measured in a child on the load servers' Node (`npm run bench` prints them after the load phase). */
export function inProcessReport(): string[] {
  const out = execFileSync(serverNode(), ['--import', 'tsx', __filename], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, IN_PROCESS_CHILD: '1' },
  });
  return out.trimEnd().split('\n');
}

async function measureHere() {
  const tmp = mkdtempSync(join(tmpdir(), 'twofactor-in-process-'));
  const { startDynamoDbLocal } = await import('../../../infra/local/dynamodb');
  const dynamo = await startDynamoDbLocal({ port: 0, jvm: 'full' });
  try {
    const { blocks, alone, waking, realWaitMs } = await measure(dynamo.endpoint, tmp);
    const of = (k: 'handler' | 'calls' | 'floor') => median(blocks.map((b) => b[k]));
    const [handler, calls, floor, ours, woken] = [of('handler'), of('calls'), of('floor'), median(alone), median(waking)];
    const share = (ms: number) => `${((100 * ms) / handler).toFixed(0)}%`;
    const outside = handler - ours - calls;
    console.log(
      `POST /2fa/authenticate's handler in-process on Node ${serverNodeVersion()}, one request at a time (medians of ${blocks.length} blocks), CPU per verify:\n` +
        `  the handler, against DynamoDB Local           ${handler.toFixed(2)} ms\n` +
        `  the same, DynamoDB answered from memory       ${ours.toFixed(2)} ms (${share(ours)}: our own code)\n` +
        `  so its two DynamoDB calls cost                ${(handler - ours).toFixed(2)} ms (${share(handler - ours)}): inside the calls ${calls.toFixed(2)} ms, outside them ${outside.toFixed(2)} ms\n` +
        `  the floor's two calls through the same client ${floor.toFixed(2)} ms (the handler's calls cost ${((handler - ours) / floor).toFixed(2)}× them)\n` +
        `  from memory, each answer after a ${realWaitMs} ms wait    ${woken.toFixed(2)} ms (waking twice costs our code ${(woken - ours).toFixed(2)} ms of the ${outside.toFixed(2)} outside the calls)`,
    );
  } finally {
    await dynamo.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const run = process.env.IN_PROCESS_CHILD === '1' ? measureHere() : Promise.resolve(console.log(inProcessReport().join('\n')));
  run.then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
