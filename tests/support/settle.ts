import type { Workstation } from '../../electron/services/workstation';

/**
 * Kicks the workstation's sync until it is online with nothing left to push (pushed and
 * pulled), or fails with its last snapshot. For tests over a real hub.
 */
export async function settleSync(ws: Workstation, tries = 100) {
  for (let i = 0; i < tries; i++) {
    ws.sync!.kick();
    await ws.sync!.idle();
    const s = ws.sync!.snapshot();
    if (s.status === 'online' && s.queued === 0 && s.background === 0) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`did not settle: ${JSON.stringify(ws.sync!.snapshot())}`);
}
