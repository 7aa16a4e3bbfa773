/**
 * PATCH /api/users/{id} with an email: a link to the new address, and the change only when it is
 * followed (single use; the old address keeps working until then; a taken address is refused).
 */
import { getUser, userIdByEmail } from '../../shared/identity/users';
import { testClock } from '../support/clock';
import { accessToken, login, newOrg, uniqueEmail } from '../support/fixtures';
import { lastEmail, lastLink } from '../support/email';
import { invoke } from '../support/invoke';

// Many scrypt logins per test: generous on a loaded machine.
jest.setTimeout(120_000);

let clock: ReturnType<typeof testClock>;
beforeEach(() => {
  clock = testClock();
});
afterEach(() => clock.restore());

it('moves the user to the new address once the link is followed, once', async () => {
  const { admin, member } = await newOrg();
  const email = uniqueEmail('new');

  const patched = await invoke('PATCH /api/users/{id}', {
    token: await accessToken(admin),
    params: { id: member.userId },
    body: { email },
    headers: { 'accept-language': 'da' },
  });

  expect(patched).toMatchObject({ status: 200, body: { data: { email: member.email }, emailChange: { expiresAt: expect.any(String) } } });
  expect((await lastEmail(email))!.subject).toContain('Bekræft');
  expect((await login(member)).accessToken).toEqual(expect.any(String)); // the old address until then
  const link = (await lastLink(email))!;
  expect(link.searchParams.get('verify-email')).toMatch(new RegExp(`^${member.userId}\\.[\\w-]{43}$`));
  const token = link.searchParams.get('verify-email')!;

  const verified = await invoke('POST /api/users/email/verify', { body: { token } });
  expect(verified).toMatchObject({ status: 200, body: { data: { userId: member.userId, email } } });
  expect(await userIdByEmail(email)).toBe(member.userId);
  expect(await userIdByEmail(member.email)).toBeUndefined();
  expect((await login({ email, password: member.password })).accessToken).toEqual(expect.any(String));

  expect(await invoke('POST /api/users/email/verify', { body: { token } })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
});

it('refuses a taken address, an expired or forged link, and a member asking', async () => {
  const { admin, member } = await newOrg();
  const token = await accessToken(admin);
  expect((await invoke('PATCH /api/users/{id}', { token, params: { id: member.userId }, body: { email: admin.email } })).status).toBe(409);
  expect((await invoke('PATCH /api/users/{id}', { token: await accessToken(member), params: { id: admin.userId }, body: { email: uniqueEmail() } })).status).toBe(403);
  expect((await invoke('PATCH /api/users/{id}', { token, params: { id: member.userId }, body: {} })).status).toBe(400);

  const email = uniqueEmail('late');
  await invoke('PATCH /api/users/{id}', { token, params: { id: member.userId }, body: { email } });
  const link = (await lastLink(email))!.searchParams.get('verify-email')!;
  const forged = `${member.userId}.${'A'.repeat(43)}`;
  expect((await invoke('POST /api/users/email/verify', { body: { token: forged } })).status).toBe(400);
  expect((await invoke('POST /api/users/email/verify', { body: { token: 'nonsense' } })).status).toBe(400);
  clock.advance(24 * 3600 + 1);
  expect((await invoke('POST /api/users/email/verify', { body: { token: link } })).status).toBe(400);
  expect((await getUser(member.userId))!.email).toBe(member.email);
});
