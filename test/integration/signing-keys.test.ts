/** Signing key rotation: new tokens use the new key; tokens signed before stay valid while the old key is published. */
import { decodeProtectedHeader } from 'jose';
import { cliActor } from '../../shared/audit/events';
import { rotateSigningKey, resetSigningKeyCache } from '../../shared/tokens/signing-keys';
import { testClock } from '../support/clock';
import { accessToken, newOrg } from '../support/fixtures';
import { invoke } from '../support/invoke';

describe('signing key rotation', () => {
  it('adds a kid, keeps the old one in the JWKS, and old tokens keep working', async () => {
    const { admin } = await newOrg();
    const before = await accessToken(admin);
    const oldKid = decodeProtectedHeader(before).kid;

    const newKid = await rotateSigningKey(cliActor('rotate-signing-key'));
    expect(newKid).not.toBe(oldKid);
    resetSigningKeyCache();

    const after = await accessToken(admin);
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    const jwks = (await invoke('GET /.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
    expect(jwks).toEqual(expect.arrayContaining([oldKid, newKid]));
    for (const token of [before, after]) {
      expect((await invoke('GET /api/users/{id}', { token, params: { id: admin.userId } })).status).toBe(200);
    }
  });

  it('a warm process follows a rotation made elsewhere once its copy of the keys refreshes', async () => {
    const { admin } = await newOrg();
    const clock = testClock();
    try {
      const before = decodeProtectedHeader(await accessToken(admin)).kid;
      // Another process (the operator's CLI) rotates: this process's caches are not told.
      let elsewhere: typeof import('../../shared/tokens/signing-keys') | undefined;
      jest.isolateModules(() => {
        elsewhere = require('../../shared/tokens/signing-keys');
      });
      const newKid = await elsewhere!.rotateSigningKey(cliActor('rotate-signing-key'));
      expect(newKid).not.toBe(before);
      // Past the retired key's end, a process still signing with it would mint tokens nobody accepts.
      clock.advance(2 * 24 * 3600);
      const token = await accessToken(admin);
      expect(decodeProtectedHeader(token).kid).toBe(newKid);
      expect((await invoke('GET /api/users/{id}', { token, params: { id: admin.userId } })).status).toBe(200);
    } finally {
      clock.restore();
      resetSigningKeyCache();
    }
  });
});
