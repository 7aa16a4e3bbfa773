/**
 * The per-address login limit counts the address the request really came from. A client that sends
 * `X-Forwarded-For` or `CloudFront-Viewer-Address` (naming other addresses, or a victim's) neither
 * escapes its own limit nor moves another address's: without the origin secret CloudFront adds, no
 * header is believed (shared/http/client-address.ts).
 *
 * Each test connects from its own loopback address (127.x.y.z, all local on Linux), so locking it
 * out does not touch the other suites, which log in from 127.0.0.1.
 */
import { request } from 'node:http';
import { randomInt, randomUUID } from 'node:crypto';
import { config } from '../../shared/config';
import { startTestServer, type TestServer } from '../support/server';

jest.setTimeout(process.env.TEST_SERVER_MODE === 'synth' ? 180_000 : 60_000);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const loopback = () => `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

/** A failed login (an unknown email) from `from`, with whatever headers the client chose. */
function failedLogin(from: string, headers: Record<string, string> = {}): Promise<number> {
  const body = JSON.stringify({ email: `nobody-${randomUUID()}@example.test`, password: 'not the password' });
  const url = new URL('/api/auth/login', server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('spoofed client address headers and the per-address login limit', () => {
  test('a client naming a new address in X-Forwarded-For and CloudFront-Viewer-Address on every attempt is still stopped at its own limit', async () => {
    const attacker = loopback();
    const limit = config().LOGIN_MAX_FAILURES_PER_IP;
    for (let i = 0; i < limit; i++) {
      const claimed = `203.0.113.${i % 250}`;
      const status = await failedLogin(attacker, {
        'x-forwarded-for': claimed,
        'cloudfront-viewer-address': `${claimed}:443`,
        'x-origin-verify': 'a guess at the origin secret',
      });
      expect(status).toBe(401);
    }
    expect(await failedLogin(attacker, { 'x-forwarded-for': '198.51.100.1', 'cloudfront-viewer-address': '198.51.100.1:443' })).toBe(429);
    expect(await failedLogin(attacker)).toBe(429);
  });

  test("a client naming a locked-out address does not get that address's lockout, and its own counter is its own", async () => {
    const victim = loopback();
    const bystander = loopback();
    const limit = config().LOGIN_MAX_FAILURES_PER_IP;
    for (let i = 0; i < limit; i++) expect(await failedLogin(victim)).toBe(401);
    expect(await failedLogin(victim)).toBe(429);
    // The bystander claims to be the locked-out victim: its requests are judged as its own.
    expect(await failedLogin(bystander, { 'x-forwarded-for': victim, 'cloudfront-viewer-address': `${victim}:51234` })).toBe(401);
  });
});
