/** The frame every route lives in: health, OpenAPI, and hostile input refused with 4xx problems. */
import { routeEntries, splitRouteKey } from '../../functions/routes';
import { accessToken, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';

describe('platform routes', () => {
  it('GET /health answers ok when the table is reachable', async () => {
    const response = await invoke('GET /health');
    expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('GET /openapi.json documents every route of the route table with its schemas', async () => {
    const { status, body } = await invoke('GET /openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    for (const [key] of routeEntries()) {
      const { method, path } = splitRouteKey(key);
      expect(body.paths[path]?.[method.toLowerCase()]).toBeDefined();
    }
    const login = body.paths['/api/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['email', 'password']);
    expect(body.paths['/api/users/{id}'].get.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    const rpc = body.paths['/zitadel.management.v1.ManagementService/AddSecondFactorToLoginPolicy'].post;
    expect(Object.keys(rpc.requestBody.content)).toEqual(['application/json', 'application/grpc-web+proto', 'application/grpc-web-text', 'application/proto']);
    expect(rpc.responses['4XX'].content['application/json'].schema.properties.code.type).toBe('string');
  });
});

describe('hostile input gets a 4xx problem, never a 5xx', () => {
  const problem = (status: number, code: string) => ({
    status,
    headers: expect.objectContaining({ 'content-type': 'application/problem+json' }),
    body: expect.objectContaining({ status, code, type: `urn:twofactor:problem:${code}`, detail: expect.any(String) }),
  });

  it('refuses a body that is not JSON', async () => {
    expect(await invoke('POST /api/auth/login', { rawBody: '{"email": ' })).toMatchObject(problem(400, 'invalid_json'));
  });

  it('refuses a content type other than JSON', async () => {
    const response = await invoke('POST /api/auth/login', { rawBody: '<xml/>', headers: { 'content-type': 'application/xml' } });
    expect(response).toMatchObject(problem(415, 'unsupported_media_type'));
  });

  it('refuses a 1 MB body before parsing it', async () => {
    const huge = JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(1024 * 1024) });
    expect(await invoke('POST /api/auth/login', { rawBody: huge })).toMatchObject(problem(413, 'payload_too_large'));
  });

  it('names every missing and mistyped field', async () => {
    const response = await invoke('POST /api/auth/login', { body: { email: 42 } });
    expect(response).toMatchObject(problem(400, 'validation_failed'));
    expect(response.body.errors).toEqual([
      { path: 'body.email', message: expect.any(String) },
      { path: 'body.password', message: 'is required' },
    ]);
  });

  it('refuses a JSON array where an object is expected', async () => {
    expect(await invoke('POST /api/auth/login', { rawBody: '[1,2]' })).toMatchObject(problem(400, 'validation_failed'));
  });

  it('refuses a missing bearer token with WWW-Authenticate', async () => {
    const response = await invoke('GET /api/users/{id}', { params: { id: 1 } });
    expect(response).toMatchObject(problem(401, 'unauthenticated'));
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it.each([
    ['a garbled token', 'Bearer not.a.jwt'],
    ['a non-bearer scheme', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
    ['random base64 segments', `Bearer ${Buffer.from('{"alg":"ES256"}').toString('base64url')}.e30.AAAA`],
  ])('refuses %s', async (_label, authorization) => {
    const response = await invoke('GET /api/users/{id}', { params: { id: 1 }, headers: { authorization } });
    expect(response.status).toBe(401);
    expect(response.body.code).toMatch(/^(invalid_token|unauthenticated)$/);
  });

  it('refuses a path parameter that is not a positive integer', async () => {
    const { admin } = await newOrg();
    const token = await accessToken(admin);
    for (const id of ['abc', '-1', '0', '1.5', '99999999999999999999']) {
      expect(await invoke('GET /api/users/{id}', { params: { id }, token })).toMatchObject(problem(400, 'validation_failed'));
    }
  });

  it('ignores the body of a route that takes none (the seeds send `-d "{ [...] }"`)', async () => {
    const response = await invoke('GET /health', { rawBody: '{ [...] }', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(200);
  });
});
