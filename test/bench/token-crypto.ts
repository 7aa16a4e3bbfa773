/**
 * What a verify step's two token operations cost, and their floor: `npx tsx test/bench/token-crypto.ts`
 * (runs itself on the functions' Node). The step verifies the pending token and signs the access
 * token, both ES256 through jose, which signs with WebCrypto: each operation is a job on libuv's
 * thread pool that the main thread waits for. Beside them, the same signature made and checked
 * synchronously with node:crypto (no thread hop, no wait): the floor of what the crypto itself
 * costs. CPU per operation is the process's (main thread and pool), over sequential operations.
 */
import { execFileSync } from 'node:child_process';
import { KeyObject, sign, verify } from 'node:crypto';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { serverNode, serverNodeVersion } from './load/children';

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
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const signed = () =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k' }).setIssuer('i').setAudience('a').setIssuedAt().setExpirationTime('15m').setJti('j').sign(privateKey);
  const token = await signed();
  const [key, pub] = [KeyObject.from(privateKey), KeyObject.from(publicKey)];
  const input = Buffer.from(token.slice(0, token.lastIndexOf('.')));
  const signature = sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' });
  const rows: [string, { cpu: number; wall: number }][] = [
    ['jose SignJWT (WebCrypto, as the service signs)', await cpuPerOp(signed)],
    ['jose jwtVerify (WebCrypto, as the service verifies)', await cpuPerOp(() => jwtVerify(token, publicKey, { issuer: 'i', audience: 'a', typ: 'at+jwt' }))],
    ['node:crypto sign, synchronous (the signature alone)', await cpuPerOp(() => sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }))],
    ['node:crypto verify, synchronous (the signature alone)', await cpuPerOp(() => verify('sha256', input, { key: pub, dsaEncoding: 'ieee-p1363' }, signature))],
  ];
  console.log(`ES256 token operations on Node ${serverNodeVersion()}, ${OPS} sequential each, per operation:`);
  for (const [label, { cpu, wall }] of rows) console.log(`  ${label.padEnd(54)} cpu ${cpu.toFixed(3)} ms  wall ${wall.toFixed(3)} ms`);
  const [joseBoth, floorBoth] = [rows[0]![1].cpu + rows[1]![1].cpu, rows[2]![1].cpu + rows[3]![1].cpu];
  console.log(`  a verify step's pair (one verify, one sign): jose ${joseBoth.toFixed(3)} ms, the synchronous floor ${floorBoth.toFixed(3)} ms (${(joseBoth / floorBoth).toFixed(2)}×)`);
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
