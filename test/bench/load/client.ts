/**
 * The load generator: a bounded closed-loop client (a fixed number of requests, `concurrency` in
 * flight, over keep-alive connections, stopping early at a time cap) and, over the window, the CPU
 * time of the server process under test and of DynamoDB Local (from /proc/<pid>/stat) and of this
 * process, the client itself. The same client drives our server and the peer, so the comparison
 * shares its overhead; on one machine the three share its cores, so together they set its throughput.
 */
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { percentile } from '../stats';

export interface HttpRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function send(agent: Agent, base: URL, req: HttpRequest): Promise<HttpResponse> {
  const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  return new Promise((resolve, reject) => {
    const r = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers: { accept: 'application/json', ...(body && { 'content-type': 'application/json', 'content-length': String(body.length) }), ...req.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // A hung server, not a slow one: sixteen queued logins on a loaded machine take a minute or more.
    r.setTimeout(600_000, () => r.destroy(new Error('no answer within 10 minutes')));
    r.on('error', reject);
    r.end(body);
  });
}

const CLK_TCK = 100; // USER_HZ on Linux

/** CPU seconds (all threads) the process has used, in user space and in the kernel; NaN once it is gone. */
export function processCpu(pid: number): { user: number; system: number } {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return { user: NaN, system: NaN };
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / CLK_TCK, system: Number(fields[12]) / CLK_TCK };
}

export interface LoadResult {
  concurrency: number;
  n: number;
  errors: number;
  errorSamples: string[];
  capped: boolean;
  seconds: number;
  reqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Server process CPU per successful request, ms (user + system). */
  serverCpuMs: number;
  /** Of which in user space (the process's own code) and in the kernel (its system calls: sockets, files). */
  serverUserCpuMs: number;
  serverSystemCpuMs: number;
  /** Share of one core the server used over the window, %. */
  serverCpuPct: number;
  /** DynamoDB Local's CPU per successful request, ms (about 0 for the peer, which does not use it). */
  standInCpuMs: number;
  /** This process's CPU per successful request, ms: the client making and reading the requests. */
  clientCpuMs: number;
}

let standInPid: number | undefined;

/** DynamoDB Local's process, metered in every window from now on. */
export function meterStandIn(pid: number | undefined): void {
  standInPid = pid;
}

const cpuSeconds = (pid: number | undefined) => {
  if (pid === undefined) return NaN;
  const { user, system } = processCpu(pid);
  return user + system;
};

/**
 * Sends `count` requests, `concurrency` at a time. `next(i)` makes request i (cheap: prepared
 * beforehand); `check` says whether its answer is the success expected (otherwise it counts as an
 * error and its latency is not kept).
 */
export async function load(options: {
  base: string;
  serverPid: number;
  count: number;
  concurrency: number;
  capSeconds: number;
  next(i: number): HttpRequest | undefined;
  check(response: HttpResponse): boolean;
}): Promise<LoadResult> {
  const base = new URL(options.base);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  const errors: string[] = [];
  let issued = 0;
  let capped = false;
  const cpu0 = processCpu(options.serverPid);
  const standIn0 = cpuSeconds(standInPid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + options.capSeconds * 1000;
  const worker = async () => {
    for (;;) {
      if (issued >= options.count) return;
      if (performance.now() >= deadline) {
        capped = true;
        return;
      }
      const req = options.next(issued++);
      if (!req) {
        capped = true; // ran out of prepared material
        return;
      }
      const s = performance.now();
      try {
        const res = await send(agent, base, req);
        const ms = performance.now() - s;
        if (options.check(res)) latencies.push(ms);
        else errors.push(`${res.status} ${res.text.slice(0, 160)}`);
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = processCpu(options.serverPid);
  const standIn = cpuSeconds(standInPid) - standIn0;
  const client = process.cpuUsage(client0);
  const user = cpu1.user - cpu0.user;
  const system = cpu1.system - cpu0.system;
  const cpu = user + system;
  const perRequestMs = (seconds: number) => (latencies.length ? (seconds * 1000) / latencies.length : NaN);
  agent.destroy();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    concurrency: options.concurrency,
    n: latencies.length,
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 3),
    capped,
    seconds,
    reqPerSec: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    serverCpuMs: perRequestMs(cpu),
    serverUserCpuMs: perRequestMs(user),
    serverSystemCpuMs: perRequestMs(system),
    serverCpuPct: (cpu / seconds) * 100,
    standInCpuMs: perRequestMs(standIn),
    clientCpuMs: perRequestMs((client.user + client.system) / 1e6),
  };
}
