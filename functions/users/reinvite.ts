import { reinvite } from '../../shared/identity/invitations';
import { languageOf } from '../../shared/mail/language';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('POST /api/users/{id}/invitation', async ({ params, principal, actor, headers }) =>
  ok({ invitation: await reinvite(principal, params.id, actor, languageOf(headers['accept-language'])) }),
);
