/**
 * A software WebAuthn authenticator for in-process tests: ES256 keys, "none" attestation, a sign
 * counter, and knobs to misbehave (another origin, another RP ID, a counter that goes back).
 * The browser tests use Chromium's virtual authenticator instead.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

type Cbor = number | string | Uint8Array | Cbor[] | Map<Cbor, Cbor>;

/** Just enough CBOR (RFC 8949) for attestation objects and COSE keys. */
function cbor(value: Cbor): Buffer {
  const head = (major: number, n: number) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

export interface Misbehaviour {
  origin?: string;
  rpId?: string;
  /** Force the sign count (a clone replays an old one). */
  counter?: number;
  /** Whether the user was verified (the UV flag); default yes. */
  uv?: boolean;
  /** Registration: the credProps extension's `rk` the client reports (absent: not reported). */
  rk?: boolean;
  /** Authentication: the user handle to send instead of the one registration gave (null: none). */
  userHandle?: string | null;
}

export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  signCount = 0;
  /** The user handle registration gave the credential (options.user.id); an assertion returns it, as a resident key does. */
  userHandle?: string;

  constructor(
    readonly origin: string,
    readonly rpId = 'localhost',
    keys = generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ) {
    this.privateKey = keys.privateKey;
    this.publicKey = keys.publicKey;
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  /** Another device with the same key and counter: what cloning a key yields. */
  clone(): SoftAuthenticator {
    const twin = new SoftAuthenticator(this.origin, this.rpId, { privateKey: this.privateKey, publicKey: this.publicKey });
    (twin as { credentialId: Buffer }).credentialId = this.credentialId;
    twin.signCount = this.signCount;
    twin.userHandle = this.userHandle;
    return twin;
  }

  private coseKey(): Map<Cbor, Cbor> {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return new Map<Cbor, Cbor>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
  }

  private authData(rpId: string, flags: number, counter: number, attested: boolean): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    const parts: Uint8Array[] = [sha256(rpId), Buffer.from([flags]), count];
    if (attested) {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), length, this.credentialId, cbor(this.coseKey()));
    }
    return Buffer.concat(parts);
  }

  private clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  register(options: { challenge: string; user?: { id: string } }, m: Misbehaviour = {}) {
    this.userHandle = options.user?.id;
    const authData = this.authData(m.rpId ?? this.rpId, m.uv === false ? 0x41 : 0x45, this.signCount, true); // UP | UV | AT
    const attestationObject = cbor(new Map<Cbor, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge, m.origin ?? this.origin)),
        attestationObject: b64url(attestationObject),
        transports: ['usb'],
      },
      clientExtensionResults: m.rk === undefined ? {} : { credProps: { rk: m.rk } },
    };
  }

  authenticate(options: { challenge: string }, m: Misbehaviour = {}) {
    this.signCount = m.counter ?? this.signCount + 1;
    const authData = this.authData(m.rpId ?? this.rpId, m.uv === false ? 0x01 : 0x05, this.signCount, false); // UP | UV
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, m.origin ?? this.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        ...((m.userHandle !== undefined ? m.userHandle : this.userHandle) != null && { userHandle: m.userHandle ?? this.userHandle }),
      },
      clientExtensionResults: {},
    };
  }
}
