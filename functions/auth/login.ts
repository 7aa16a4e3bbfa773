import { login } from '../../shared/identity/login';
import { endpoint, ok } from '../endpoint';
import { loginAnswer } from './presenters';

export const handler = endpoint('POST /api/auth/login', async ({ body, actor }) => ok(loginAnswer(await login(body.email, body.password, actor))));
