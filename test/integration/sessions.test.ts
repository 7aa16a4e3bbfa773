/** Revoking all of a user's sessions reaches every one, beyond a single Query page (1 MB). */
import { isSessionLive, revokeAllSessions, startSession } from '../../shared/tokens/sessions';
import { decodeJwt } from 'jose';
import { newOrg } from '../support/fixtures';

describe('revokeAllSessions', () => {
  it('revokes 4000 sessions, more than one Query page holds', async () => {
    const { member } = await newOrg();
    const subject = { userId: member.userId, orgId: member.orgId, role: member.role };
    const sids: string[] = [];
    for (let batch = 0; batch < 80; batch++) {
      const tokens = await Promise.all(Array.from({ length: 50 }, () => startSession(subject, { aal: 1, amr: ['pwd'] })));
      sids.push(...tokens.map((t) => decodeJwt(t.accessToken).sid as string));
    }
    expect(await revokeAllSessions(member.userId)).toBe(4000);
    const sample = [sids[0]!, sids[1999]!, sids[3999]!];
    for (const sid of sample) expect(await isSessionLive(member.userId, sid)).toBe(false);
  }, 120_000);
});
