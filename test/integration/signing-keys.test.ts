/** Signing key rotation: new tokens use the new key; tokens signed before stay valid while the old key is published. */
import { decodeProtectedHeader } from 'jose';
import { cliActor } from '../../shared/audit/events';
import { rotateSigningKey, resetSigningKeyCache } from '../../shared/tokens/signing-keys';
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
});
