/**
 * "A 5xx is a bug": every route of the route table, fed malformed bodies, parameters and queries
 * with a full token, a pending token and none, answers 2xx or 4xx, never 5xx.
 */
import { routeEntries, splitRouteKey } from '../../functions/routes';
import { forgetCachedPolicy } from '../../shared/policy/policy';
import { accessToken, login, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';

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
    });
  }
});

describe('every paginated route refuses, with 400, a cursor it did not issue for that org and query', () => {
  const paginated = routeEntries().filter(([, route]) => 'cursor' in ((route.query as { shape?: object } | undefined)?.shape ?? {}));
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
