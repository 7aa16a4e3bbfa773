/**
 * The caller's own sessions: listed with where and how they started (the current one marked, no
 * token hashes), ended one at a time or all but the current one ("sign out everywhere else").
 */
import { decodeJwt } from 'jose';
import * as s from '../../functions/response-schemas';
import { newOrg, login, accessToken } from '../support/fixtures';
import { invoke } from '../support/invoke';

// Many scrypt logins per test: generous on a loaded machine.
jest.setTimeout(120_000);

it('lists the live sessions with the current one marked, and ends one, then all the others', async () => {
  const { member } = await newOrg();
  const first = await invoke('POST /api/auth/login', {
    body: { email: member.email, password: member.password },
    headers: { 'user-agent': 'Firefox on the desk' },
    sourceIp: '198.51.100.7',
  });
  const other = (await login(member)).accessToken!;
  const third = await accessToken(member);
  const token = first.body.accessToken as string;
  await invoke('POST /api/auth/refresh', { body: { refreshToken: first.body.refreshToken } });

  const listed = await invoke('GET /api/auth/sessions', { token });

  expect(listed.status).toBe(200);
  expect(s.SessionsResponse.safeParse(listed.body).success).toBe(true);
  expect(listed.body.sessions).toHaveLength(3);
  const mine = listed.body.sessions.find((x: { current: boolean }) => x.current);
  expect(mine).toEqual({
    id: decodeJwt(token).sid,
    createdAt: expect.any(String),
    lastUsedAt: expect.any(String),
    userAgent: 'Firefox on the desk',
    ip: '198.51.100.7',
    method: 'password',
    current: true,
  });
  expect(listed.body.sessions.filter((x: { current: boolean }) => x.current)).toHaveLength(1);

  const otherSid = decodeJwt(other).sid as string;
  expect((await invoke('DELETE /api/auth/sessions/{sid}', { token, params: { sid: otherSid } })).status).toBe(204);
  expect((await invoke('GET /api/auth/sessions', { token: other })).status).toBe(401);
  expect((await invoke('DELETE /api/auth/sessions/{sid}', { token, params: { sid: otherSid } })).status).toBe(404);

  expect((await invoke('DELETE /api/auth/sessions', { token })).status).toBe(204);
  expect((await invoke('GET /api/auth/sessions', { token: third })).status).toBe(401);
  const left = await invoke('GET /api/auth/sessions', { token });
  expect(left.body.sessions.map((x: { id: string }) => x.id)).toEqual([decodeJwt(token).sid]);
});

it("another user's session id is 404, and a malformed one 400", async () => {
  const { member, admin } = await newOrg();
  const token = await accessToken(member);
  const theirs = decodeJwt(await accessToken(admin)).sid as string;
  expect((await invoke('DELETE /api/auth/sessions/{sid}', { token, params: { sid: theirs } })).status).toBe(404);
  expect((await invoke('GET /api/auth/sessions', { token: await accessToken(admin) })).body.sessions).toHaveLength(2);
  expect((await invoke('DELETE /api/auth/sessions/{sid}', { token, params: { sid: 'not-a-session' } })).status).toBe(400);
});

it('ending the current session through the list signs the caller out', async () => {
  const { member } = await newOrg();
  const token = await accessToken(member);
  expect((await invoke('DELETE /api/auth/sessions/{sid}', { token, params: { sid: decodeJwt(token).sid as string } })).status).toBe(204);
  expect((await invoke('GET /api/auth/sessions', { token })).status).toBe(401);
});
