/**
 * The local server over HTTP: routing, hostile requests, tokens checked by an independent verifier,
 * and an SMS factor enrolled end to end. `npm run test:synth` runs the same tests against the
 * synthesized stack (TEST_SERVER_MODE=synth).
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { newOrg } from '../support/fixtures';
import { call, startTestServer, type TestServer } from '../support/server';
import { lastSms, randomDanishMobile } from '../support/sms';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('local server', () => {
  it('serves /health and /openapi.json', async () => {
    expect(await call(server.url, 'GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const openapi = await call(server.url, 'GET', '/openapi.json');
    expect(openapi.body).toMatchObject({ openapi: '3.1.0', servers: [{ url: server.url }] });
  });

  it('answers an unknown path with a 404 problem and a wrong method with 405', async () => {
    expect(await call(server.url, 'GET', '/nope')).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await call(server.url, 'DELETE', '/health')).toMatchObject({ status: 405, body: { code: 'method_not_allowed' } });
  });

  it('serves the page and answers odd file paths with 404, not a crash', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    for (const path of ['/x.constructor', '/../package.json', '/%2e%2e/package.json', '/index.html%00.js', '/%E0%A4%A']) {
      expect((await call(server.url, 'GET', path)).status).toBe(404);
    }
  });

  it('refuses a 1 MB body with 413', async () => {
    const response = await call(server.url, 'POST', '/api/auth/login', { body: 'x'.repeat(1024 * 1024) });
    expect(response).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
  });

  it('refuses a malformed escape in a path parameter with 400', async () => {
    const { admin } = await newOrg();
    const login = await call(server.url, 'POST', '/api/auth/login', { body: { email: admin.email, password: admin.password } });
    const response = await call(server.url, 'GET', '/api/users/%E0%A4%A', { token: login.body.accessToken });
    expect(response).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });

  it('refuses a garbled bearer token with 401', async () => {
    const response = await call(server.url, 'GET', '/api/users/1', { token: 'eyJ.garbage' });
    expect(response).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
  });

  it('issues tokens that verify against the published JWKS with an independent verifier', async () => {
    const { member } = await newOrg();
    const login = await call(server.url, 'POST', '/api/auth/login', { body: { email: member.email, password: member.password } });
    expect(login.status).toBe(200);
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(login.body.accessToken, jwks, {
      issuer: 'http://127.0.0.1:3000',
      audience: 'twofactor-api',
      algorithms: ['ES256'],
    });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload.sub).toBe(String(member.userId));
  });

  it('enrols an SMS factor: the code reaches the phone and verifies the factor', async () => {
    const { admin, member } = await newOrg();
    const signIn = async (user: { email: string; password: string }) =>
      (await call(server.url, 'POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).body;
    const allow = await call(server.url, 'POST', '/api/settings/twofactor/sms', { token: (await signIn(admin)).accessToken });
    expect(allow.status).toBeLessThan(300);
    const token = (await signIn(member)).accessToken;
    const phone = randomDanishMobile();
    expect((await call(server.url, 'PATCH', '/api/two-factor', { token, body: { method: 'sms', phone_prefix: 45, phone } })).status).toBe(204);
    expect((await call(server.url, 'POST', '/api/two-factor/send-verification', { token })).status).toBe(204);
    const sms = await lastSms(`+45${phone}`);
    expect(sms?.message).toBe(`${sms?.code} is your TwoFactor verification code. It expires in 5 minutes.`);
    expect((await call(server.url, 'POST', '/api/two-factor/verify', { token, body: { key: sms!.code } })).status).toBe(204);
    const settings = await call(server.url, 'GET', '/api/two-factor', { token });
    // The number is shown masked: its last two digits only.
    expect(settings.body.data).toMatchObject({ method: 'sms', phone: `******${phone.slice(-2)}`, verified: true });
  });
});
