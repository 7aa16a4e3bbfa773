/**
 * "A 5xx is a bug": every route of the route table, fed malformed bodies, parameters and queries
 * with a full token, a pending token and none, answers 2xx or 4xx, never 5xx; the RPC routes answer
 * malformed frames and messages with the gRPC status that says what is wrong.
 */
import * as z from 'zod/mini';
import { routeEntries, splitRouteKey } from '../../functions/routes';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { accessToken, login, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { callRpc, frame } from '../support/rpc';

const bodies = [
  undefined,
  '',
  '{}',
  '[]',
  'null',
  '"text"',
  '12345',
  '{"code":123456,"key":null,"method":["google"],"type":{},"userId":"1","teamId":-1,"response":"x","webauthn":[]}',
  '{"email":"a@b.c","password":"' + 'p'.repeat(2000) + '"}',
  '{"method":"sms","phone_prefix":99999,"phone":"0"}',
  '{"method":"google","secret_key":"\u0000\u202e"}',
  '{"gracePeriodSeconds":1e308,"checkLifetimeSeconds":-0,"smsCountryCodes":["__proto__"]}',
  '{"__proto__":{"admin":true},"constructor":{"prototype":{}}}',
  JSON.stringify({ webauthn: { id: 'x'.repeat(5000), response: { clientDataJSON: '!!', authenticatorData: '', signature: '' } } }),
  '{' + '"a":{'.repeat(200) + '}'.repeat(201),
];
const paramValues = ['1', '0', '-1', 'abc', '99999999999999999999', 'SECOND_FACTOR_TYPE_UNSPECIFIED', '__proto__', 'x'.repeat(1500)];

describe('every route refuses malformed input with a 4xx', () => {
  let tokens: Array<string | undefined>;

  beforeAll(async () => {
    const org = await newOrg();
    const adminToken = await accessToken(org.admin);
    await invoke('POST /api/settings/twofactor/force', { token: adminToken });
    forgetCachedPolicy(org.orgId);
    const pending = (await login(org.member)).pendingToken;
    tokens = [adminToken, pending, undefined, 'not-a-token'];
  });

  for (const [key] of routeEntries()) {
    it(key, async () => {
      const { path } = splitRouteKey(key);
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const failures: string[] = [];
      const attempt = async (label: string, options: Parameters<typeof invoke>[1]) => {
        const response = await invoke(key, options);
        if (response.status >= 500) failures.push(`${label}: ${response.status} ${JSON.stringify(response.body)}`);
      };
      for (const token of tokens) {
        for (const [i, rawBody] of bodies.entries()) {
          await attempt(`token ${tokens.indexOf(token)} body ${i}`, {
            token,
            rawBody,
            params: Object.fromEntries(names.map((n) => [n, '1'])),
            query: { limit: 'abc', cursor: '!!!', org: '-5' },
          });
        }
        for (const value of paramValues) {
          if (!names.length) break;
          await attempt(`token ${tokens.indexOf(token)} param ${value.slice(0, 20)}`, {
            token,
            rawBody: '{}',
            params: Object.fromEntries(names.map((n) => [n, value])),
          });
        }
      }
      expect(failures).toEqual([]);
      // About 60 requests a route; the heaviest (a QR PNG each) take ~30 s on a loaded 2-core machine.
    }, 120_000);
  }
});

describe('every paginated route refuses, with 400, a cursor it did not issue for that org and query', () => {
  // The schemas are built lazily (z.lazy): their JSON Schema names the fields.
  const paginated = routeEntries().filter(([, route]) => route.query && 'cursor' in (z.toJSONSchema(route.query, { io: 'input' }).properties ?? {}));
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  let a: { orgId: number; token: string };
  let b: { orgId: number; token: string };

  /** An org with two users and two audit events, so every listing has a second page. */
  async function orgWithPages() {
    const org = await newOrg();
    const token = await accessToken(org.admin);
    await invoke('POST /api/settings/twofactor/force', { token });
    await invoke('DELETE /api/settings/twofactor/force', { token });
    forgetCachedPolicy(org.orgId);
    return { orgId: org.orgId, token };
  }
  const firstPage = async (key: (typeof paginated)[number][0], org: { token: string }) => {
    const page = await invoke(key, { token: org.token, query: { limit: '1' } });
    expect(page.body.nextCursor).toEqual(expect.any(String));
    return page.body.nextCursor as string;
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([orgWithPages(), orgWithPages()]);
  });

  it('finds the paginated routes in the route table (the enrolment report and the audit trail at least)', () => {
    expect(paginated.map(([key]) => key)).toEqual(expect.arrayContaining(['GET /api/audit', 'GET /api/settings/twofactor/users']));
  });

  it('a cursor continues only the filter it was issued for (the users by status, the enrolment report by role)', async () => {
    const cases = [
      ['GET /api/users', 'status', 'active', 'invited'],
      ['GET /api/settings/twofactor/users', 'role', 'member', 'admin'],
    ] as const;
    const answers: Record<string, unknown> = {};
    for (const [key, name, value, other] of cases) {
      const status = async (query: Record<string, string>) => (await invoke(key, { token: a.token, query: { limit: '1', ...query } })).status;
      const filtered = (await invoke(key, { token: a.token, query: { limit: '1', [name]: value } })).body.nextCursor as string;
      const unfiltered = await firstPage(key, a);
      expect(filtered).toEqual(expect.any(String));
      answers[key] = {
        'the same filter': await status({ [name]: value, cursor: filtered }),
        'another value': await status({ [name]: other, cursor: filtered }),
        'no filter': await status({ cursor: filtered }),
        'an unfiltered cursor under a filter': await status({ [name]: value, cursor: unfiltered }),
      };
    }
    const expected = { 'the same filter': 200, 'another value': 400, 'no filter': 400, 'an unfiltered cursor under a filter': 400 };
    expect(answers).toEqual({ 'GET /api/users': expected, 'GET /api/settings/twofactor/users': expected });
  });

  for (const [key] of paginated) {
    it(key, async () => {
      const own = await firstPage(key, a);
      expect((await invoke(key, { token: a.token, query: { limit: '1', cursor: own } })).status).toBe(200);
      const [payload = '', tag = ''] = own.split('.');
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, string>;
      const otherRoute = paginated.find(([k]) => k !== key)![0];
      const cursors: Record<string, string> = {
        garbage: '!!!',
        'a lone dot': '.',
        'too many parts': `${own}.${tag}`,
        'long garbage': 'x'.repeat(1000),
        'the empty key of the review': b64({ pk: '', sk: '', gsi1pk: `ORG#${a.orgId}#USERS`, gsi1sk: '' }),
        'an audit key of this org, unsigned': b64({ pk: `ORG#${a.orgId}`, sk: 'AUDIT#9999' }),
        'other JSON': b64({ nope: true }),
        'JSON null': b64(null),
        'JSON array': b64([1, 2]),
        'other JSON with a made-up tag': `${b64({ pk: `ORG#${a.orgId}`, sk: 'AUDIT#' })}.${'A'.repeat(43)}`,
        'another org’s cursor': await firstPage(key, b),
        'another route’s cursor': await firstPage(otherRoute, a),
        'a tampered payload': `${flip(payload, 5)}.${tag}`,
        'a tampered tag': `${payload}.${flip(tag, 3)}`,
        'another key under the same tag': `${b64({ ...decoded, sk: `${decoded.sk}0` })}.${tag}`,
        'no tag': payload,
        'a truncated tag': `${payload}.${tag.slice(0, 20)}`,
      };
      const answers: Record<string, unknown> = {};
      for (const [label, cursor] of Object.entries(cursors)) {
        const response = await invoke(key, { token: a.token, query: { limit: '1', cursor } });
        answers[label] = `${response.status} ${response.body.code}`;
      }
      expect(answers).toEqual(Object.fromEntries(Object.keys(cursors).map((label) => [label, '400 invalid_request'])));
    });
  }
});

describe('the RPC routes refuse malformed gRPC-web and Connect messages with a gRPC error, never a 5xx', () => {
  const add = 'POST /zitadel.management.v1.ManagementService/AddSecondFactorToLoginPolicy' as const;
  const web = 'application/grpc-web+proto';
  const otp = [0x08, 0x01]; // field 1 (type), varint 1: SECOND_FACTOR_TYPE_OTP
  let token: string;

  beforeAll(async () => {
    token = await accessToken((await newOrg()).admin);
  });

  const cases: Array<[string, string, Uint8Array | string, number]> = [
    ['an empty gRPC-web body', web, Buffer.alloc(0), 3],
    ['a truncated frame header', web, Buffer.from([0, 0, 0]), 3],
    ['a length prefix larger than the body', web, frame(otp, 0, 100), 3],
    ['a length prefix over the message limit', web, frame(otp, 0, 1024 * 1024 * 1024), 8],
    ['an oversized message', web, frame(Buffer.alloc(20_000, 0x08)), 8],
    ['an oversized Connect message', 'application/proto', Buffer.alloc(20_000, 0x08), 8],
    ['a compressed-flag frame', web, frame(otp, 0x01), 3],
    ['a trailer frame sent by the client', web, frame(otp, 0x80), 3],
    ['two message frames in a unary call', web, Buffer.concat([frame(otp), frame(otp)]), 3],
    ['an unknown field (binary)', web, frame([...otp, 0x78, 0x01]), 3],
    ['an unknown field (Connect JSON)', 'application/json', '{"type":"SECOND_FACTOR_TYPE_OTP","admin":true}', 3],
    ['an enum value out of range (binary)', web, frame([0x08, 99]), 3],
    ['an enum value out of range (Connect binary)', 'application/proto', Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0x07]), 3],
    ['an enum number out of range (Connect JSON)', 'application/json', '{"type":99}', 3],
    ['an enum name that does not exist (Connect JSON)', 'application/json', '{"type":"SECOND_FACTOR_TYPE_PASSWORD"}', 3],
    ['SECOND_FACTOR_TYPE_UNSPECIFIED', web, frame([]), 3],
    ['bytes that are not protobuf', web, frame([0xff, 0xff, 0xff]), 3],
    ['a truncated varint', 'application/proto', Buffer.from([0x08, 0x80]), 3],
    ['grpc-web-text that is not base64', 'application/grpc-web-text', '!!!not base64!!!', 3],
    ['grpc-web-text hiding a truncated frame', 'application/grpc-web-text', Buffer.from([0, 0, 0, 0, 9, 8]).toString('base64'), 3],
    ['JSON that is not JSON', 'application/json', '{"type":', 3],
    ['a JSON array', 'application/grpc-web+json', frame(Buffer.from('[]')), 3],
  ];

  it.each(cases)('%s', async (_label, contentType, body, code) => {
    const outcome = await callRpc(add, contentType, body, { token });
    expect(outcome.code).toBe(code);
    expect(outcome.message).not.toBe('');
    expect(outcome.httpStatus).toBeLessThan(500);
  });

  it('answers gRPC-web errors with 200 and the status in the trailer frame, Connect errors with the code’s HTTP status', async () => {
    const webError = await callRpc(add, web, frame([0x08, 99]), { token });
    expect(webError).toMatchObject({ httpStatus: 200, code: 3, data: undefined });
    expect(webError.message).toMatch(/body\.type: must be one of/);
    expect(await callRpc(add, 'application/proto', Buffer.from([0x08, 99]), { token })).toMatchObject({ httpStatus: 400, code: 3 });
    expect(await callRpc(add, 'application/proto', Buffer.alloc(20_000, 0x08), { token })).toMatchObject({ httpStatus: 429, code: 8 });
  });

  it('refuses compressed bodies it cannot read, named by their encoding header', async () => {
    const gzipWeb = await callRpc(add, web, frame(otp, 0x01), { token, headers: { 'grpc-encoding': 'gzip' } });
    expect(gzipWeb).toMatchObject({ code: 3, message: expect.stringContaining('gzip') });
    const gzipConnect = await callRpc(add, 'application/proto', Buffer.from(otp), { token, headers: { 'content-encoding': 'gzip' } });
    expect(gzipConnect).toMatchObject({ code: 3, message: expect.stringContaining('gzip') });
  });

  it('answers native gRPC with 415 naming the forms that work', async () => {
    for (const contentType of ['application/grpc', 'application/grpc+proto']) {
      const response = await invoke(add, { rawBody: frame(otp), token, headers: { 'content-type': contentType } });
      expect(response.status).toBe(415);
      expect(response.body.message).toMatch(/HTTP\/2 trailers/);
      expect(response.body.message).toContain('application/grpc-web+proto, application/grpc-web-text');
      expect(response.body.message).toContain('application/proto, application/json');
    }
    const text = await invoke(add, { rawBody: 'type=1', token, headers: { 'content-type': 'text/plain' } });
    expect(text).toMatchObject({ status: 415, body: { code: 'invalid_argument', message: expect.stringContaining('text/plain') } });
  });
});
