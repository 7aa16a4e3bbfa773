/**
 * Business metrics (shared/metrics.ts) as CloudWatch reads them: EMF lines on stdout, flushed once
 * per invocation by the endpoint wrapper, dimensions from closed sets only and the org as a plain
 * property (never a dimension).
 */
import { config } from '../../shared/config';
import { METRICS_NAMESPACE } from '../../shared/metrics';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { enrolTotp, totpCode } from '../support/two-factor';

type Emf = Record<string, any> & { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> } };

let lines: string[] = [];
let write: jest.SpyInstance;

beforeAll(() => {
  process.env.POWERTOOLS_METRICS_NAMESPACE = METRICS_NAMESPACE;
});
afterAll(() => {
  delete process.env.POWERTOOLS_METRICS_NAMESPACE;
});
beforeEach(() => {
  lines = [];
  const original = process.stdout.write.bind(process.stdout);
  write = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.includes('"_aws"')) {
      lines.push(...text.trim().split('\n'));
      return true;
    }
    return original(chunk as string, ...(rest as []));
  }) as typeof process.stdout.write);
});
afterEach(() => write.mockRestore());

/** Every EMF line of the invocations so far, flattened to one entry per metric value. */
function emitted(): Array<{ name: string; dimensions: Record<string, string>; orgId?: string; count: number }> {
  return lines.flatMap((line) => {
    const emf = JSON.parse(line) as Emf;
    const [directive] = emf._aws.CloudWatchMetrics;
    expect(directive!.Namespace).toBe(METRICS_NAMESPACE);
    const dimensionNames = directive!.Dimensions.flat();
    // The org is never a dimension: orgs grow without bound, and each combination is a paid metric.
    expect(dimensionNames).not.toContain('orgId');
    const dimensions = Object.fromEntries(dimensionNames.map((name) => [name, String(emf[name])]));
    return directive!.Metrics.map(({ Name }) => {
      const value = emf[Name] as number | number[];
      return { name: Name, dimensions, orgId: emf.orgId, count: Array.isArray(value) ? value.length : value };
    });
  });
}

describe('business metrics', () => {
  it('a wrong password and a password-only login: Logins by outcome and method, the org as a property', async () => {
    const { orgId, member } = await newOrg();
    const refused = await invoke('POST /api/auth/login', { body: { email: member.email, password: 'wrong-password' } });
    expect(refused.status).toBe(401);
    expect(emitted()).toEqual([
      { name: 'Logins', dimensions: { service: 'twofactor', outcome: 'failed', method: 'password' }, orgId: String(orgId), count: 1 },
    ]);
    lines = [];
    await login(member);
    expect(emitted()).toEqual([
      { name: 'Logins', dimensions: { service: 'twofactor', outcome: 'success', method: 'password' }, orgId: String(orgId), count: 1 },
    ]);
  });

  it('second-factor failures, the lockout they earn, and a TOTP login', async () => {
    const clock = testClock();
    try {
      const { orgId, member } = await newOrg();
      const secret = await enrolTotp(await accessToken(member));
      clock.nextStep();
      const pending = await login(member);
      lines = [];
      for (let i = 0; i < 5; i++) {
        await invoke('POST /2fa/authenticate', { token: pending.pendingToken, body: { code: '000000' } });
      }
      const failures = emitted();
      expect(failures.filter((m) => m.name === 'SecondFactorFailures').reduce((n, m) => n + m.count, 0)).toBe(5);
      expect(failures.filter((m) => m.name === 'Lockouts')).toEqual([
        { name: 'Lockouts', dimensions: { service: 'twofactor' }, orgId: String(orgId), count: 1 },
      ]);
      // One flush per invocation: five invocations, five lines.
      expect(lines).toHaveLength(5);

      clock.advance(3600);
      lines = [];
      const fresh = await login(member);
      const ok = await invoke('POST /2fa/authenticate', { token: fresh.pendingToken, body: { code: await totpCode(secret) } });
      expect(ok.status).toBe(200);
      expect(emitted()).toContainEqual({ name: 'Logins', dimensions: { service: 'twofactor', outcome: 'success', method: 'totp' }, orgId: String(orgId), count: 1 });
    } finally {
      clock.restore();
    }
  });

  it('a refresh token replayed after its rotation: RefreshTokenReuse', async () => {
    const clock = testClock();
    try {
      const { member } = await newOrg();
      const first = await login(member);
      await invoke('POST /api/auth/refresh', { body: { refreshToken: first.refreshToken } });
      clock.advance(config().REFRESH_TOKEN_REUSE_INTERVAL + 1);
      lines = [];
      const replay = await invoke('POST /api/auth/refresh', { body: { refreshToken: first.refreshToken } });
      expect(replay.status).toBe(401);
      expect(emitted()).toEqual([{ name: 'RefreshTokenReuse', dimensions: { service: 'twofactor' }, count: 1 }]);
    } finally {
      clock.restore();
    }
  });

  it('nothing on stdout without a namespace (npm start, tests): a debug log line instead', async () => {
    delete process.env.POWERTOOLS_METRICS_NAMESPACE;
    try {
      const { member } = await newOrg();
      await invoke('POST /api/auth/login', { body: { email: member.email, password: 'wrong-password' } });
      expect(lines).toEqual([]);
    } finally {
      process.env.POWERTOOLS_METRICS_NAMESPACE = METRICS_NAMESPACE;
    }
  });
});
