/**
 * The Lambda init that matters: from process start to the first handled event, per function. Each
 * function's deployed bundle is loaded in a fresh process of the functions' Node major (the `node`
 * devDependency, as `npm start -- --synth` runs them) and handed one API Gateway event; the child
 * reports, relative to its own start, when the import finished and when the handler answered, and
 * the CPU time spent by then. Everything a cold start does once happens inside: configuration, the
 * data key (from the local key file), the signing key (read from DynamoDB Local and opened), the org
 * policy. The event is the request of the function's first scenario in scenarios.ts (prepared
 * before, outside the timing); a function without a scenario gets a request without a token and
 * answers its refusal, which shows its import and configuration only. The baseline bundle (one
 * GetCommand) answers its read against the same DynamoDB Local, and so do the alternatives to it (the
 * same read with our own client: baseline-client.ts).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { matchRoute, toApiEvent } from '../../infra/local/api-event';
import { lambdaNodeBinary } from '../../infra/local/synth/functions';
import { routes, splitRouteKey, type RouteKey } from '../../functions/routes';
import { childEnv, repoRoot, shuffled, type BuiltBundle } from './bundles';
import type { BenchContext, Scenario } from './scenarios';
import { median } from './stats';

const execFileAsync = promisify(execFile);

/** Runs in the child: performance.now() counts from the process's start. */
const childScript = `
const [file, eventJson, name] = process.argv.slice(1);
const { handler } = require(file);
const importedAt = performance.now();
const context = {
  callbackWaitsForEmptyEventLoop: false, functionName: name, functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:' + name, memoryLimitInMB: '1024',
  awsRequestId: require('node:crypto').randomUUID(), logGroupName: '/aws/lambda/' + name, logStreamName: 'local',
  getRemainingTimeInMillis: () => 10000, done() {}, fail() {}, succeed() {},
};
Promise.resolve(handler(JSON.parse(eventJson), context)).then((result) => {
  const answeredAt = performance.now();
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ importedAt, answeredAt, cpuMs: (cpu.user + cpu.system) / 1000, result }));
  process.exit(0);
}, (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });`;

export interface FirstEventSample {
  importedAtMs: number;
  answeredAtMs: number;
  cpuMs: number;
  status: number;
}

export interface FirstEventResult {
  name: string;
  /** What the event was: the scenario's name, or the refusal of a request without a token. */
  request: string;
  status?: number;
  samples: FirstEventSample[];
  medianAnsweredMs: number;
  medianCpuMs: number;
  error?: string;
}

async function firstEvent(node: string, bundle: BuiltBundle, event: APIGatewayProxyEventV2 | Record<string, never>, env: NodeJS.ProcessEnv): Promise<FirstEventSample & { body?: string }> {
  const { stdout } = await execFileAsync(node, ['-e', childScript, bundle.file, JSON.stringify(event), bundle.name.replace(/\W+/g, '-')], {
    env,
    cwd: repoRoot,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const out = JSON.parse(stdout) as { importedAt: number; answeredAt: number; cpuMs: number; result?: { statusCode?: number; body?: string } };
  return { importedAtMs: out.importedAt, answeredAtMs: out.answeredAt, cpuMs: out.cpuMs, status: out.result?.statusCode ?? 200, body: out.result?.body };
}

/** A request without a token for a route no scenario covers (path parameters filled with `1`). */
function bareRequest(key: RouteKey) {
  const { method, path } = splitRouteKey(key);
  return { method, path: path.replace(/\{[^}]+\}/g, '1'), headers: {} as Record<string, string>, body: undefined as unknown };
}

/**
 * `runs` rounds; each round starts every function once and the baseline (and its alternatives) once,
 * in a shuffled order. Needs DynamoDB Local, the key file and the environment the requests phase set
 * up (run after it).
 */
export async function measureFirstEvents(
  functions: BuiltBundle[],
  baseline: BuiltBundle,
  scenarios: Scenario[],
  ctx: BenchContext,
  runs: number,
  alternatives: BuiltBundle[] = [],
): Promise<{ node: string; results: FirstEventResult[]; baseline: FirstEventResult; alternatives: FirstEventResult[] }> {
  const node = lambdaNodeBinary();
  const env: NodeJS.ProcessEnv = {
    ...childEnv(),
    // The baseline's client finds DynamoDB Local the way --synth functions do; ours through config.
    AWS_ENDPOINT_URL_DYNAMODB: process.env.DYNAMODB_ENDPOINT,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  const readsOnly = (b: BuiltBundle) => b === baseline || alternatives.includes(b);
  const byHandler = new Map<string, Scenario>();
  for (const scenario of scenarios) {
    const handler = routes[scenario.route].handler;
    if (!byHandler.has(handler)) byHandler.set(handler, scenario);
  }
  const results = new Map<string, FirstEventResult>(
    [...functions, baseline, ...alternatives].map((b) => {
      const scenario = byHandler.get(b.name);
      const request = b === baseline ? 'GetCommand' : readsOnly(b) ? 'GetItem' : scenario ? scenario.name : 'refusal: no token (no scenario)';
      return [b.name, { name: b.name, request, samples: [], medianAnsweredMs: NaN, medianCpuMs: NaN }];
    }),
  );
  for (let round = 0; round < runs; round++) {
    for (const bundle of shuffled([...functions, baseline, ...alternatives], round + 31)) {
      const result = results.get(bundle.name)!;
      if (result.error) continue;
      try {
        let event: APIGatewayProxyEventV2 | Record<string, never> = {};
        const scenario = byHandler.get(bundle.name);
        if (!readsOnly(bundle)) {
          if (scenario) await scenario.setup?.(ctx);
          const request = scenario ? await scenario.request(ctx) : bareRequest(bundle.route!.split(', ')[0] as RouteKey);
          const path = new URL(request.path, 'http://localhost');
          const route = matchRoute(request.method, path.pathname);
          if (!route || route === 'method') throw new Error(`${request.method} ${request.path} matches no route`);
          const body = request.body === undefined || typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
          const headers = { ...(body !== undefined && { 'content-type': 'application/json' }), ...request.headers };
          event = toApiEvent({ method: request.method, url: request.path, headers, body }, route);
        }
        const { body, ...sample } = await firstEvent(node, bundle, event, env);
        const expected = readsOnly(bundle) ? 200 : scenario ? (scenario.status ?? 200) : undefined;
        if (expected !== undefined && sample.status !== expected) throw new Error(`answered ${sample.status}, expected ${expected}: ${String(body).slice(0, 200)}`);
        if (scenario?.onResponse && body) scenario.onResponse(ctx, JSON.parse(body));
        result.status = sample.status;
        result.samples.push(sample);
      } catch (error) {
        result.error = (error as Error).message.split('\n').slice(0, 3).join(' ');
      }
    }
  }
  for (const r of results.values()) {
    r.medianAnsweredMs = median(r.samples.map((s) => s.answeredAtMs));
    r.medianCpuMs = median(r.samples.map((s) => s.cpuMs));
  }
  const resultOf = (b: BuiltBundle) => results.get(b.name)!;
  return { node, results: functions.map(resultOf), baseline: resultOf(baseline), alternatives: alternatives.map(resultOf) };
}

/** The printed table: per function, when it answered its first event, as ratios to the baseline's. */
export function firstEventTable(measured: Awaited<ReturnType<typeof measureFirstEvents>>, runs: number): string {
  const { baseline } = measured;
  const ratio = (n: number, base: number) => (Number.isFinite(n) && base > 0 ? `${(n / base).toFixed(2)}×` : '–');
  const rows = [baseline, ...measured.alternatives, ...measured.results].map((r) => [
    r.name,
    r.request,
    r.error ? 'ERR' : String(r.status ?? ''),
    Number.isFinite(r.medianAnsweredMs) ? r.medianAnsweredMs.toFixed(0) : '–',
    ratio(r.medianAnsweredMs, baseline.medianAnsweredMs),
    Number.isFinite(r.medianCpuMs) ? r.medianCpuMs.toFixed(0) : '–',
    ratio(r.medianCpuMs, baseline.medianCpuMs),
    r.error ? r.error.slice(0, 90) : '',
  ]);
  const header = ['function', 'first event', 'status', 'answered ms', '×baseline', 'cpu ms', 'cpu ×baseline', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = [3, 4, 5, 6];
  const line = (cells: string[]) => cells.map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [
    `Process start to the first handled event (import, configuration, the first request's one-time work against DynamoDB Local and the key file), ` +
      `median of ${runs} fresh processes of ${measured.node.replace(repoRoot + '/', '')}; cpu: the process's CPU time by then (steadier on a busy machine)`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}
