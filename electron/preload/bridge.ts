import type { LanternBridge } from '../../shared/contract/bridge';
import type { ContractErrorCode, Result } from '../../shared/contract/result';

// Type-only import: result.ts pulls in zod, which a sandboxed preload cannot require.
const UNKNOWN_METHOD: typeof ContractErrorCode.unknownMethod = 'contract.unknown_method';

/**
 * The whole renderer-facing surface: one frozen object with one function. It
 * forwards a method name and input over the single invoke channel and nothing
 * else — never ipcRenderer itself, never a generic send/on (Electron security
 * checklist item 20). A non-string method is answered locally, without IPC.
 */
export function createBridge(invoke: (method: string, input: unknown) => Promise<unknown>): Readonly<LanternBridge> {
  return Object.freeze({
    invoke(method: string, input: unknown): Promise<Result<unknown>> {
      if (typeof method !== 'string') {
        return Promise.resolve({ ok: false, error: { code: UNKNOWN_METHOD, message: 'The method name must be a string' } });
      }
      return invoke(method, input) as Promise<Result<unknown>>;
    },
  });
}
