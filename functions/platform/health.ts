import { checkTable } from '../../shared/store/health';
import { endpoint, ok } from '../endpoint';

export const handler = endpoint('GET /health', async () => {
  await checkTable();
  return ok({ status: 'ok' });
});
