/**
 * What a verify step's two token operations cost: `npx tsx test/bench/token-crypto.ts` (runs itself
 * on the functions' Node). The step verifies the pending token and signs the access token, both
 * ES256. The service makes them synchronously with node:crypto (shared/tokens/jws.ts); beside it,
 * jose as the service used it before, which signs with WebCrypto: each operation a job on libuv's
 * thread pool that the main thread waits for. CPU per operation is the process's (main thread and
 * pool), over sequential operations.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { serverNode, serverNodeVersion } from './load/children';
import { signJwt, verifyJwt } from '../../shared/tokens/jws';

const OPS = 3000;
const claims = { sub: '1234', org: 1, role: 'member', aal: 2, amr: ['pwd', 'otp'], sid: 'f'.repeat(36), auth_time: 1_700_000_000 };

async function cpuPerOp(op: () => unknown): Promise<{ cpu: number; wall: number }> {
  for (let i = 0; i < OPS / 10; i++) await op();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < OPS; i++) await op();
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) / 1000 / OPS, wall: (performance.now() - t0) / OPS };
}

async function measureHere() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' };
  const [privateCryptoKey, publicCryptoKey] = await Promise.all([
    crypto.subtle.importKey('jwk', privateKey.export({ format: 'jwk' }), ecdsa, false, ['sign']),
    crypto.subtle.importKey('jwk', publicKey.export({ format: 'jwk' }), ecdsa, false, ['verify']),
  ]);
  const iat = Math.floor(Date.now() / 1000);
  const payload = { ...claims, iss: 'i', aud: 'a', iat, exp: iat + 900, jti: 'j' };
  const rules = { issuer: 'i', now: iat, kinds: { 'at+jwt': { audience: 'a', required: ['sub'] } } };
  const token = signJwt({ typ: 'at+jwt', kid: 'k' }, payload, privateKey);
  const rows: [string, { cpu: number; wall: number }][] = [
    ['the service: sign (jws.ts, node:crypto)', await cpuPerOp(() => signJwt({ typ: 'at+jwt', kid: 'k' }, payload, privateKey))],
    ['the service: verify (jws.ts, node:crypto)', await cpuPerOp(() => verifyJwt(token, () => publicKey, rules))],
    [
      'jose SignJWT (WebCrypto)',
      await cpuPerOp(() =>
        new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k' }).setIssuer('i').setAudience('a').setIssuedAt(iat).setExpirationTime(iat + 900).setJti('j').sign(privateCryptoKey),
      ),
    ],
    ['jose jwtVerify (WebCrypto)', await cpuPerOp(() => jwtVerify(token, publicCryptoKey, { issuer: 'i', audience: 'a', typ: 'at+jwt' }))],
  ];
  console.log(`ES256 token operations on Node ${serverNodeVersion()}, ${OPS} sequential each, per operation:`);
  for (const [label, { cpu, wall }] of rows) console.log(`  ${label.padEnd(44)} cpu ${cpu.toFixed(3)} ms  wall ${wall.toFixed(3)} ms`);
  const [ours, jose] = [rows[0]![1].cpu + rows[1]![1].cpu, rows[2]![1].cpu + rows[3]![1].cpu];
  console.log(`  a verify step's pair (one verify, one sign): the service ${ours.toFixed(3)} ms, jose ${jose.toFixed(3)} ms (jose ${(jose / ours).toFixed(2)}×)`);
}

if (require.main === module) {
  const run =
    process.env.TOKEN_CRYPTO_CHILD === '1'
      ? measureHere()
      : Promise.resolve(execFileSync(serverNode(), ['--import', 'tsx', __filename], { stdio: 'inherit', env: { ...process.env, TOKEN_CRYPTO_CHILD: '1' } }));
  run.then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
