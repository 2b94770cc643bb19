import pino from 'pino';
import type { Config } from './config.js';

export type { Logger } from 'pino';

export function createLogger(config: Pick<Config, 'logLevel' | 'env'>) {
  return pino({
    level: config.logLevel,
    base: undefined,
    redact: ['req.headers.authorization', '*.nationalId', 'nationalId'],
  });
}
