import type { Result } from './result';

/** Name of the single IPC channel every contract call travels on. */
export const INVOKE_CHANNEL = 'lantern:invoke';

/**
 * The one object the preload exposes as `window.lantern` (frozen). The renderer
 * never calls it directly; it goes through the typed client (`createContractlessClient`
 * there, `createClient` where the contract's schemas are at hand anyway).
 */
export interface LanternBridge {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
}
