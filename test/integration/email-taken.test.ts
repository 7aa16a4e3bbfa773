/**
 * "A user with this email already exists" about another org's user tells an admin that the address
 * has an account somewhere: such answers are counted per org (EMAIL_TAKEN_MAX_PER_ORG an hour), and
 * once they are used up every way of asking (create, import with or without a dry run, an email
 * change) answers 429 until the hour ends, whatever the address.
 */
import { resetConfig } from '../../shared/config';
import { testClock } from '../support/clock';
import { accessToken, newOrg, uniqueEmail } from '../support/fixtures';
import { invoke } from '../support/invoke';

const MAX = 3;
let clock: ReturnType<typeof testClock>;

beforeAll(() => {
  process.env.EMAIL_TAKEN_MAX_PER_ORG = String(MAX);
  resetConfig();
});
afterAll(() => {
  delete process.env.EMAIL_TAKEN_MAX_PER_ORG;
  resetConfig();
});
beforeEach(() => {
  // Each test starts at the beginning of an hour's window: the count never straddles two.
  clock = testClock(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 1_000);
});
afterEach(() => clock.restore());

async function twoOrgs() {
  const [ours, theirs] = await Promise.all([newOrg(), newOrg()]);
  return { ours, theirs, token: await accessToken(ours.admin) };
}

const create = (token: string, email: string) => invoke('POST /api/users', { token, body: { email } });
const importRows = (token: string, emails: string[], dryRun?: boolean) =>
  invoke('POST /api/users/import', { token, body: { users: emails.map((email) => ({ email, role: 'member' })), ...(dryRun && { dryRun }) } });

describe('answers that an address is held by another org', () => {
  it('are counted per org: at the limit, creating any user answers 429 until the hour ends; the org’s own addresses never count', async () => {
    const { ours, theirs, token } = await twoOrgs();
    for (let i = 0; i < MAX + 2; i++) expect((await create(token, ours.member.email)).status).toBe(409); // our own: not counted
    for (let i = 0; i < MAX; i++) expect((await create(token, theirs.member.email)).status).toBe(409);

    const taken = await create(token, theirs.admin.email);
    const fresh = await create(token, uniqueEmail('fresh'));
    for (const answer of [taken, fresh]) {
      expect(answer.status).toBe(429);
      expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(3_000);
      expect(answer.body.detail).toMatch(/other organisations/);
    }
    // The other org is not held back by ours.
    expect((await create(await accessToken(theirs.admin), uniqueEmail('theirs'))).status).toBe(201);

    clock.advance(3_600);
    const later = await accessToken(ours.admin);
    expect((await create(later, uniqueEmail('next-hour'))).status).toBe(201);
    expect((await create(later, theirs.member.email)).status).toBe(409);
  });

  it('count an import’s rows, dry run or not: at the limit the whole import is refused, and nothing more is created', async () => {
    const { ours, theirs, token } = await twoOrgs();
    const elsewhere = [theirs.admin.email, theirs.member.email];
    const first = await importRows(token, [...elsewhere, uniqueEmail('new')], true);
    expect(first.status).toBe(200);
    expect(first.body.data.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['refused', 'refused', 'would create']);

    // One answer left: the first of these rows uses it, the second finds none, and the call is 429.
    const fresh = uniqueEmail('after');
    const second = await importRows(token, [theirs.admin.email, theirs.member.email, fresh]);
    expect(second.status).toBe(429);
    expect((await importRows(token, [uniqueEmail('any')], true)).status).toBe(429);
    expect((await create(token, fresh)).status).toBe(429);

    clock.advance(3_600);
    const later = await importRows(await accessToken(ours.admin), [fresh]);
    expect(later.body.data.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['created']);
  });

  it('count an email change to another org’s address, and refuse changes at the limit', async () => {
    const { ours, theirs, token } = await twoOrgs();
    const change = (email: string, as = token) => invoke('PATCH /api/users/{id}', { token: as, params: { id: ours.member.userId }, body: { email } });
    for (let i = 0; i < MAX; i++) expect((await change(theirs.admin.email)).status).toBe(409);
    expect((await change(theirs.member.email)).status).toBe(429);
    expect((await change(uniqueEmail('free'))).status).toBe(429);
    clock.advance(3_600);
    expect((await change(uniqueEmail('free'), await accessToken(ours.admin))).status).toBe(200);
  });
});
