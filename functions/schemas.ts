/**
 * Request schemas of every route: the handlers validate with them and /openapi.json is generated
 * from them. Shape errors are 400s; meaning errors (a weak secret, an impossible phone number) are
 * the domain's 422s.
 */
import { z } from 'zod';

const email = z.string().trim().toLowerCase().pipe(z.email({ message: 'must be an email address' }).max(254));
const id = z.coerce.number({ message: 'must be a positive integer' }).int().positive().max(Number.MAX_SAFE_INTEGER);

export const IdParams = z.object({ id });

export const LoginBody = z.object({
  email,
  password: z.string().min(1, 'is required').max(1024),
});

export const RefreshBody = z.object({
  refreshToken: z.string().min(1, 'is required').max(512),
});

export const Role = z.enum(['member', 'admin', 'support']);

export const CreateUserBody = z.object({
  email,
  role: Role.default('member'),
  /** Support only: the org to create the user in. Admins always create in their own org. */
  orgId: id.optional(),
  /** Optional initial password; when absent one is generated and returned once. */
  password: z.string().min(12, 'must be at least 12 characters').max(1024).optional(),
});
