import type { LanternBridge } from '../../shared/contract/bridge';

declare global {
  interface Window {
    /** The one frozen bridge the preload (or the test harness) exposes. */
    readonly lantern?: LanternBridge;
  }
}
export {};
