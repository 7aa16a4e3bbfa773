import { publishedKeys } from '../../shared/tokens/signing-keys';
import { endpoint } from '../endpoint';
import { authJwks } from '../route-entries';

export const handler = endpoint(authJwks, async () => ({
  body: { keys: (await publishedKeys()).map((k) => k.publicJwk) },
  // Verifiers may cache briefly; a rotated-in key appears within this window.
  headers: { 'cache-control': 'public, max-age=300' },
}));
