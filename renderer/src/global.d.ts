import type { LanternBridge } from '../../shared/contract/bridge';

declare global {
  interface Window {
    /** The one frozen bridge the preload (or the test harness) exposes. */
    readonly lantern?: LanternBridge;
    /** Bridge calls public/early.js started before the main bundle ran (taken once by main.tsx). */
    __lanternEarly?: { sessionInfo?: Promise<unknown>; firstPage?: Promise<unknown> };
  }
}
export {};
