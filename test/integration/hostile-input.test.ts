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
      // About 60 requests a route; the heaviest (a QR PNG each) take ~30 s on a loaded 2-core machine.
    }, 120_000);
  }
});
