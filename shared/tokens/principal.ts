/** Who is calling, as established from a verified bearer token. */
import { ErrorCode, Forbidden, Unauthenticated } from '../errors';
import type { Role } from '../model/user';
import { verifyToken, type Amr } from './jwt';

export interface Principal {
  userId: number;
  orgId: number;
  role: Role;
  aal: 1 | 2;
  amr: Amr[];
  sid?: string;
  /** Epoch seconds of the last authentication. */
  authTime: number;
  /** A pending token: it can only finish (or enrol) a second factor. */
  pending: boolean;
  /** What a pending token finishes: a login, or a password reset (scope "reset"). */
  pendingPurpose?: 'login' | 'reset';
  /** The support user acting through an impersonation token (RFC 8693 `act`). */
  actorId?: number;
  /** The token's `jti`: what makes a pending login token single-use. */
  tokenId?: string;
  /** Epoch seconds when the token expires. */
  expiresAt: number;
}

export type AccessLevel = 'pending' | 'user' | 'admin' | 'support';

export interface AccessRule {
  access: AccessLevel;
  /** Refuse impersonation tokens. */
  sensitive?: boolean;
  /** Also takes a pending password-reset token (only /2fa/authenticate, which finishes one). */
  finishesReset?: boolean;
}

/**
 * Who is calling, from the token alone: whether its session is still live is not checked here
 * (tokens/live-session.ts does that for the routes that need it, see functions/endpoint.ts).
 */
export async function authenticate(authorization: string | undefined, rule: AccessRule): Promise<Principal> {
  if (!authorization) throw new Unauthenticated('A bearer token is required (Authorization: Bearer <token>)');
  const match = /^Bearer[ ]+([\w.~+/-]+=*)$/i.exec(authorization.trim());
  if (!match) throw new Unauthenticated('The Authorization header must be "Bearer <token>"', ErrorCode.invalidToken);
  const claims = await verifyToken(match[1]!);
  const userId = Number(claims.sub);
  if (!Number.isSafeInteger(userId) || userId < 1) throw new Unauthenticated('The token is invalid', ErrorCode.invalidToken);

  const principal: Principal = {
    userId,
    orgId: claims.org,
    role: claims.role,
    aal: claims.aal,
    amr: claims.amr ?? [],
    sid: claims.sid,
    authTime: claims.auth_time,
    pending: claims.scope !== undefined,
    pendingPurpose: claims.scope === '2fa' ? 'login' : claims.scope === 'reset' ? 'reset' : undefined,
    actorId: claims.act ? Number(claims.act.sub) : undefined,
    tokenId: claims.jti,
    expiresAt: claims.exp!,
  };

  if (principal.pendingPurpose === 'reset' && !rule.finishesReset) {
    throw new Forbidden('This token can only finish a password reset (POST /2fa/authenticate)', ErrorCode.twoFactorRequired);
  }
  if (principal.pending && rule.access !== 'pending') {
    throw new Forbidden('This token can only complete two-factor authentication', ErrorCode.twoFactorRequired);
  }
  if (rule.access === 'admin' && principal.role !== 'admin' && principal.role !== 'support') {
    throw new Forbidden('Only an organisation administrator may do this');
  }
  if (rule.access === 'support' && principal.role !== 'support') {
    throw new Forbidden('Only platform support staff may do this');
  }
  if (principal.actorId !== undefined && rule.sensitive) {
    throw new Forbidden('An impersonation token cannot be used for this');
  }
  return principal;
}
