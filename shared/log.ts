/**
 * Structured JSON logs (Powertools). Never pass a request body, header, token, code or key to it:
 * log identifiers and outcomes only.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({
  serviceName: 'twofactor',
  logLevel: (process.env.LOG_LEVEL ?? 'INFO') as 'INFO',
});
