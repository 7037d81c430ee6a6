import type { IpcMainInvokeEvent } from 'electron';
import type { Dispatcher } from '../../shared/contract/dispatch';
import { ContractErrorCode, type Result } from '../../shared/contract/result';
import { isAppUrl } from './navigation';

/** Not (yet) in shared/i18n: the UI never sees it, since only foreign frames get it. */
export const UNTRUSTED_SENDER = 'contract.untrusted_sender';

type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;

export interface InvokeHandlerOptions {
  /** Defaults to "the sending frame is the top-level app://lantern/ frame". */
  isTrustedSender?: (event: SenderEvent) => boolean;
}

/**
 * Only our own top-level page may call the workstation (Electron security checklist
 * item 17): a frame from anywhere else — should one ever load — gets an error,
 * not the patient data. A destroyed frame (null, or throwing on access) is untrusted.
 */
export function isTrustedAppSender(event: SenderEvent): boolean {
  try {
    const frame = event.senderFrame;
    return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url);
  } catch {
    return false;
  }
}

/**
 * The `ipcMain.handle(INVOKE_CHANNEL, …)` listener: checks the sender, then hands
 * the call to the contract dispatcher. Never throws, so the renderer always gets a
 * typed Result rather than Electron's generic "Error invoking remote method".
 */
export function createInvokeHandler(
  dispatch: Dispatcher,
  options: InvokeHandlerOptions = {},
): (event: SenderEvent, method: unknown, input: unknown) => Promise<Result<unknown>> {
  const isTrusted = options.isTrustedSender ?? isTrustedAppSender;
  return async (event, method, input) => {
    let trusted = false;
    try {
      trusted = isTrusted(event);
    } catch {
      trusted = false;
    }
    if (!trusted) return { ok: false, error: { code: UNTRUSTED_SENDER, message: 'IPC call refused: the sender is not the Lantern app page' } };
    if (typeof method !== 'string') return { ok: false, error: { code: ContractErrorCode.unknownMethod, message: 'The method name must be a string' } };
    try {
      return await dispatch(method, input);
    } catch {
      return { ok: false, error: { code: ContractErrorCode.internal, message: `Internal error in ${method.slice(0, 80)}` } };
    }
  };
}
