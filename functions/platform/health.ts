import { checkTable } from '../../shared/store/health';
import { endpoint, ok } from '../endpoint';
import { platformHealth } from '../route-entries';

export const handler = endpoint(platformHealth, async () => {
  await checkTable();
  return ok({ status: 'ok' });
});
