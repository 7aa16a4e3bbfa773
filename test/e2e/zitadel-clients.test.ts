/**
 * Zitadel's own client code, unchanged, against the running local server: @zitadel/client's gRPC-web
 * transport and Connect transports in JSON and binary form, with @zitadel/proto's full
 * ManagementService descriptor (not this service's trimmed one), over real HTTP.
 */
import { Code, ConnectError, createClient, type Interceptor, type Transport } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import { createManagementServiceClient } from '@zitadel/client/v1';
import { createClientTransport } from '@zitadel/client/web';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb';
import { SecondFactorType } from '@zitadel/proto/zitadel/policy_pb';
import { accessToken, newOrg } from '../support/fixtures';
import { call, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const transports: Array<[string, (token: string) => Transport]> = [
  ['@zitadel/client gRPC-web', (token) => createClientTransport(token, { baseUrl: server.url })],
  ['Connect JSON', (token) => createConnectTransport({ baseUrl: server.url, useBinaryFormat: false, interceptors: [withToken(token)] })],
  ['Connect binary', (token) => createConnectTransport({ baseUrl: server.url, useBinaryFormat: true, interceptors: [withToken(token)] })],
];

/** What @zitadel/client's transport does for its gRPC-web transport: the token as `authorization` metadata. */
const withToken =
  (token: string): Interceptor =>
  (next) =>
  (req) => {
    req.header.set('authorization', `Bearer ${token}`);
    return next(req);
  };

async function codeOf(promise: Promise<unknown>): Promise<Code | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

describe.each(transports)('ManagementService second factors over %s', (_name, transportFor) => {
  it('lists, adds, refuses a duplicate, removes and refuses an absent factor, with Zitadel object details', async () => {
    const org = await newOrg();
    const client = createManagementServiceClient(transportFor(await accessToken(org.admin)));

    const listed = await client.listLoginPolicySecondFactors({});
    expect(listed.result).toEqual([SecondFactorType.OTP, SecondFactorType.U2F]);
    expect(listed.details?.totalResult).toBe(2n);

    const added = await client.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_SMS });
    expect(added.details).toMatchObject({ sequence: 1n, resourceOwner: String(org.orgId) });
    expect(added.details?.changeDate?.seconds).toBeGreaterThan(0n);
    expect(added.details?.creationDate).toEqual(added.details?.changeDate);
    expect((await client.listLoginPolicySecondFactors({})).result).toContain(SecondFactorType.OTP_SMS);

    expect(await codeOf(client.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_SMS }))).toBe(Code.AlreadyExists);

    const removed = await client.removeSecondFactorFromLoginPolicy({ type: SecondFactorType.U2F });
    expect(removed.details?.sequence).toBe(2n);
    expect(await codeOf(client.removeSecondFactorFromLoginPolicy({ type: SecondFactorType.U2F }))).toBe(Code.NotFound);
    expect((await client.listLoginPolicySecondFactors({})).result).toEqual([SecondFactorType.OTP, SecondFactorType.OTP_SMS]);
  });

  it('refuses another org named in x-zitadel-orgid (PermissionDenied), a bad token (Unauthenticated) and UNSPECIFIED (InvalidArgument)', async () => {
    const [a, b] = [await newOrg(), await newOrg()];
    const client = createManagementServiceClient(transportFor(await accessToken(a.admin)));
    const foreign = { headers: { 'x-zitadel-orgid': String(b.orgId) } };
    expect(await codeOf(client.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_SMS }, foreign))).toBe(Code.PermissionDenied);
    expect(await codeOf(client.listLoginPolicySecondFactors({}, foreign))).toBe(Code.PermissionDenied);

    const stranger = createManagementServiceClient(transportFor('not-a-token'));
    expect(await codeOf(stranger.listLoginPolicySecondFactors({}))).toBe(Code.Unauthenticated);

    const unspecified = await client.addSecondFactorToLoginPolicy({ type: SecondFactorType.UNSPECIFIED }).catch((e) => ConnectError.from(e));
    expect(unspecified).toBeInstanceOf(ConnectError);
    expect((unspecified as ConnectError).code).toBe(Code.InvalidArgument);
    expect((unspecified as ConnectError).rawMessage).toContain('SECOND_FACTOR_TYPE_UNSPECIFIED is not a factor');
  });
});

describe('one policy, every dialect', () => {
  it('a change made over gRPC-web is seen by the Ziik and REST routes with the next sequence', async () => {
    const org = await newOrg();
    const token = await accessToken(org.admin);
    const viaZiik = await call(server.url, 'POST', '/api/settings/twofactor/sms', { token });
    expect(viaZiik.status).toBe(204);

    const client = createClient(ManagementService, createClientTransport(token, { baseUrl: server.url }));
    const removed = await client.removeSecondFactorFromLoginPolicy({ type: SecondFactorType.OTP });
    expect(removed.details?.sequence).toBe(2n);

    const ziik = await call(server.url, 'GET', '/api/settings/twofactor', { token });
    expect(ziik.body).toMatchObject({ data: { methods: ['u2f', 'sms'], sequence: 2 } });
    const rest = await call(server.url, 'POST', '/management/v1/policies/login/second_factors', { token, body: { type: 'SECOND_FACTOR_TYPE_OTP' } });
    expect(rest).toMatchObject({ status: 200, body: { details: { sequence: '3', resourceOwner: String(org.orgId) } } });

    const listed = await client.listLoginPolicySecondFactors({});
    expect(listed.result).toEqual([SecondFactorType.U2F, SecondFactorType.OTP_SMS, SecondFactorType.OTP]);

    // One audit event per change, whichever dialect made it, each with its own sequence.
    const audit = await call(server.url, 'GET', '/api/audit', { token });
    const changes = (audit.body.data as Array<{ action: string; policySequence: number; details: { method: string } }>)
      .filter((e) => e.action.startsWith('policy.'))
      .map((e) => [e.policySequence, e.action, e.details.method]);
    expect(changes.sort()).toEqual([
      [1, 'policy.method_enabled', 'sms'],
      [2, 'policy.method_disabled', 'totp'],
      [3, 'policy.method_enabled', 'totp'],
    ]);
  });

  it('answers the README’s curl call in Connect’s JSON form, and its errors as Connect error JSON', async () => {
    const org = await newOrg();
    const token = await accessToken(org.admin);
    const path = '/zitadel.management.v1.ManagementService/AddSecondFactorToLoginPolicy';
    const headers = { 'content-type': 'application/json', 'connect-protocol-version': '1' };
    const added = await call(server.url, 'POST', path, { token, headers, body: '{"type":"SECOND_FACTOR_TYPE_OTP_SMS"}' });
    expect(added).toMatchObject({ status: 200, body: { details: { sequence: '1', resourceOwner: String(org.orgId) } } });
    expect(added.body.details.changeDate).toMatch(/^\d{4}-\d\d-\d\dT/);
    const again = await call(server.url, 'POST', path, { token, headers, body: '{"type":"SECOND_FACTOR_TYPE_OTP_SMS"}' });
    expect(again).toMatchObject({ status: 409, body: { code: 'already_exists', message: expect.stringContaining('already allowed') } });
    const grpc = await call(server.url, 'POST', path, { token, headers: { 'content-type': 'application/grpc' }, body: '' });
    expect(grpc).toMatchObject({ status: 415, body: { message: expect.stringContaining('application/grpc-web+proto') } });
  });
});
