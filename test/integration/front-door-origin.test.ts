/**
 * Behind the front door (FRONT_DOOR_ONLY, with ORIGIN_VERIFY_SECRET), the functions serve only requests that carry
 * CloudFront's origin secret: a request to the API's own hostname (execute-api, or the custom
 * domain's regional name) went around CloudFront and its WAF, and is refused.
 */
import { resetConfig } from '../../shared/config';
import { ORIGIN_VERIFY_HEADER, VIEWER_ADDRESS_HEADER } from '../../shared/http/client-address';
import { invoke } from '../support/invoke';

const secret = 'o'.repeat(48);

describe('behind the front door', () => {
  beforeAll(() => {
    process.env.ORIGIN_VERIFY_SECRET = secret;
    process.env.FRONT_DOOR_ONLY = 'true';
    resetConfig();
  });
  afterAll(() => {
    delete process.env.ORIGIN_VERIFY_SECRET;
    delete process.env.FRONT_DOOR_ONLY;
    resetConfig();
  });

  test('a request through CloudFront (the origin secret present) is served', async () => {
    const res = await invoke('GET /health', { headers: { [ORIGIN_VERIFY_HEADER]: secret, [VIEWER_ADDRESS_HEADER]: '198.51.100.10:1' } });
    expect(res.status).toBe(200);
  });

  test.each([
    ['no origin secret', {}],
    ['a wrong origin secret', { [ORIGIN_VERIFY_HEADER]: 'x'.repeat(48) }],
    ['a spoofed viewer address only', { [VIEWER_ADDRESS_HEADER]: '198.51.100.10:1', 'x-forwarded-for': '198.51.100.10' }],
  ])('a request around it (%s) is refused with 403, before any work', async (_name, headers) => {
    const health = await invoke('GET /health', { headers });
    expect(health.status).toBe(403);
    expect(health.body).toMatchObject({ status: 403, detail: expect.stringContaining("service's domain") });
    const login = await invoke('POST /api/auth/login', { headers, body: { email: 'nobody@example.com', password: 'x' } });
    expect(login.status).toBe(403);
  });
});
