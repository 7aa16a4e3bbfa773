/**
 * Requests through the local gateway (in this process) against DynamoDB Local: DynamoDB calls per
 * request, counted by an interceptor on the one DynamoDB client the handlers use, and latency loops.
 * Import this only after the environment is set (env.ts): it loads code that reads configuration.
 */
import { randomUUID } from 'node:crypto';
import { matchRoute } from '../../infra/local/api-event';
import { splitRouteKey, routes } from '../../functions/routes';
import { db } from '../../shared/store/client';
import { resetSigningKeyCache } from '../../shared/tokens/signing-keys';
import { resetSecrets } from '../../shared/crypto/secrets';
import { setKeyProvider } from '../../shared/adapters/key-provider';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import type { BenchContext, BenchRequest, Scenario, Tokens } from './scenarios';
import { percentile } from './stats';

/** DynamoDB commands sent by the handlers, by name, since the last `reset`. */
class CallCounter {
  private calls: string[] = [];
  private installed = false;

  install(): void {
    if (this.installed) return;
    db().intercept((call, next) => {
      this.calls.push(call.operation);
      return next(call);
    });
    this.installed = true;
  }

  reset(): void {
    this.calls = [];
  }

  take(): string[] {
    const calls = this.calls;
    this.calls = [];
    return calls;
  }
}

export const counter = new CallCounter();

/** What a Lambda cold start would not have yet: the cached signing key, data key and org policies. */
export function resetWarmCaches(): void {
  resetSigningKeyCache();
  resetSecrets();
  setKeyProvider(undefined);
  forgetCachedPolicy();
}

export interface Sent {
  status: number;
  body: any;
  ms: number;
  calls: string[];
}

/** Sends one request; DynamoDB calls are counted from just before sending to after the body is read. */
export async function send(baseUrl: string, request: BenchRequest): Promise<Sent> {
  const body = request.body === undefined || typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  const headers = { ...(body !== undefined && { 'content-type': 'application/json' }), ...request.headers };
  counter.reset();
  const t0 = performance.now();
  const response = await fetch(baseUrl + request.path, { method: request.method, headers, body: body as string | undefined });
  const text = await response.text();
  const ms = performance.now() - t0;
  const calls = counter.take();
  const json = /json/.test(response.headers.get('content-type') ?? '') && text ? JSON.parse(text) : text;
  return { status: response.status, body: json, ms, calls };
}

export function makeContext(baseUrl: string, admin: BenchContext['admin']): BenchContext {
  const ctx: BenchContext = {
    baseUrl,
    admin,
    tokens: { accessToken: '', refreshToken: '' },
    login: async (user = admin) => {
      const { status, body } = await send(baseUrl, { method: 'POST', path: '/api/auth/login', body: { email: user.email, password: user.password } });
      if (status !== 200 || !body.accessToken) throw new Error(`bench login failed (${status}): ${JSON.stringify(body)}`);
      return { accessToken: body.accessToken, refreshToken: body.refreshToken } satisfies Tokens;
    },
    unique: (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`,
  };
  return ctx;
}

/** Checks a scenario's request lands on the route it names (so the report is about the right function). */
export function assertRoute(scenario: Scenario, request: BenchRequest): void {
  if (!(scenario.route in routes)) throw new Error(`Scenario "${scenario.name}" names ${scenario.route}, which is not in functions/routes.ts`);
  const path = new URL(request.path, 'http://localhost').pathname;
  const matched = matchRoute(request.method, path);
  if (!matched || matched === 'method' || matched.key !== scenario.route) {
    const { method } = splitRouteKey(scenario.route);
    throw new Error(`Scenario "${scenario.name}" sent ${request.method} ${path}, which does not reach ${scenario.route} (${method})`);
  }
}

/** One request of a scenario, checked: the status it expects, then its response hook. */
export async function runOnce(ctx: BenchContext, scenario: Scenario): Promise<Sent> {
  const request = await scenario.request(ctx);
  assertRoute(scenario, request);
  const sent = await send(ctx.baseUrl, request);
  const expected = scenario.status ?? 200;
  if (sent.status !== expected) {
    throw new Error(`Scenario "${scenario.name}": ${request.method} ${request.path} answered ${sent.status}, expected ${expected}: ${JSON.stringify(sent.body).slice(0, 300)}`);
  }
  scenario.onResponse?.(ctx, sent.body);
  return sent;
}

export interface LatencyResult {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  /** Mean DynamoDB calls per request over the loop (cache expiries show up here). */
  meanCalls: number;
  stoppedEarly: boolean;
  /** With `alternateWith`: that scenario's requests, sent one before each of this one's. */
  alternate?: LatencyResult;
}

function summary(times: number[], calls: number, stoppedEarly: boolean): LatencyResult {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    n: times.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    meanCalls: calls / times.length,
    stoppedEarly,
  };
}

export async function latencyLoop(
  ctx: BenchContext,
  scenario: Scenario,
  defaults: { iterations: number; maxSeconds: number; warmup: number },
): Promise<LatencyResult> {
  const options = typeof scenario.latency === 'object' ? scenario.latency : {};
  const iterations = options.iterations ?? defaults.iterations;
  const maxMs = (options.maxSeconds ?? defaults.maxSeconds) * 1000;
  const other = options.alternateWith;
  for (let i = 0; i < defaults.warmup; i++) {
    if (other) await runOnce(ctx, other);
    await runOnce(ctx, scenario);
  }
  const [times, otherTimes] = [[] as number[], [] as number[]];
  let [calls, otherCalls] = [0, 0];
  const start = performance.now();
  while (times.length < iterations && performance.now() - start < maxMs) {
    if (other) {
      const sent = await runOnce(ctx, other);
      otherTimes.push(sent.ms);
      otherCalls += sent.calls.length;
    }
    const sent = await runOnce(ctx, scenario);
    times.push(sent.ms);
    calls += sent.calls.length;
  }
  const stoppedEarly = times.length < iterations;
  return { ...summary(times, calls, stoppedEarly), ...(other && { alternate: summary(otherTimes, otherCalls, stoppedEarly) }) };
}
