import { acceptInvitation } from '../../shared/identity/invitations';
import { endpoint, ok } from '../endpoint';
import { loginAnswer } from './presenters';

export const handler = endpoint('POST /api/auth/invitation/accept', async ({ body, actor }) =>
  ok(loginAnswer(await acceptInvitation(body.token, body.password, actor))),
);
