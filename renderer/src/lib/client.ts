// Types only: the contract's zod schemas stay out of the renderer bundle (main validates every call).
import type { Contract } from '../../../shared/contract';
import { createContractlessClient, type Client } from '../../../shared/contract/client';

export type LanternClient = Client<Contract>;

/** The typed client over window.lantern. Throws only if the page runs without a bridge. */
export function getClient(): LanternClient {
  const bridge = window.lantern;
  if (!bridge) throw new Error('window.lantern bridge is missing: the page must run inside Lantern');
  return createContractlessClient<Contract>(bridge);
}
