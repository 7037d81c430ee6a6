import type { Logger } from 'pino';
import type { HubConfig } from '../config/config';
import type { HubStore } from '../store/store';
import type { Notifier } from '../sync/notifier';

/** What every route and service of one hub shares. */
export interface HubContext {
  readonly store: HubStore;
  readonly config: HubConfig;
  /** HMAC key for access tokens (32 bytes, `<data>/secret.key`). */
  readonly secret: Buffer;
  readonly now: () => number;
  readonly log: Logger;
  readonly notifier: Notifier;
}
