import { describe, expect, it, vi } from 'vitest';
import { createInvokeHandler, UNTRUSTED_SENDER, type isTrustedAppSender } from './ipc';
import { APP_ENTRY_URL } from './csp';
import type { Dispatcher } from '../../shared/contract/dispatch';

type Frame = { url: string; parent: unknown } | null;
const event = (senderFrame: Frame) => ({ senderFrame }) as unknown as Parameters<typeof isTrustedAppSender>[0];
const appFrame = () => event({ url: APP_ENTRY_URL, parent: null });

function setup(dispatchImpl?: Dispatcher) {
  const dispatch = vi.fn<Dispatcher>(dispatchImpl ?? (async (method) => ({ ok: true, value: { echoed: method } })));
  return { dispatch, handler: createInvokeHandler(dispatch) };
}

describe('IPC invoke handler', () => {
  it('forwards calls from the app page to the dispatcher', async () => {
    const { dispatch, handler } = setup();
    expect(await handler(appFrame(), 'session.info', { a: 1 })).toEqual({ ok: true, value: { echoed: 'session.info' } });
    expect(dispatch).toHaveBeenCalledWith('session.info', { a: 1 });
  });

  it('refuses senders that are not the top-level app://lantern frame, without dispatching', async () => {
    const { dispatch, handler } = setup();
    const untrusted = [
      event({ url: 'https://evil.example/', parent: null }),
      event({ url: 'app://evil/index.html', parent: null }),
      event({ url: 'file:///index.html', parent: null }),
      event({ url: APP_ENTRY_URL, parent: { url: APP_ENTRY_URL } }),
      event(null),
      {} as Parameters<typeof isTrustedAppSender>[0],
    ];
    for (const e of untrusted) {
      const r = await handler(e, 'session.info', {});
      expect(r).toEqual({ ok: false, error: { code: UNTRUSTED_SENDER, message: expect.any(String) } });
    }
    expect(UNTRUSTED_SENDER).toBe('contract.untrusted_sender');
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('treats a destroyed frame (throwing on access) as untrusted', async () => {
    const { handler } = setup();
    const destroyed = {
      get senderFrame(): never {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    } as unknown as Parameters<typeof isTrustedAppSender>[0];
    expect(await handler(destroyed, 'session.info', {})).toMatchObject({ ok: false, error: { code: UNTRUSTED_SENDER } });
  });

  it('requires a string method name', async () => {
    const { dispatch, handler } = setup();
    for (const m of [undefined, null, 1, { toString: () => 'session.info' }, ['session.info']]) {
      expect(await handler(appFrame(), m, {})).toMatchObject({ ok: false, error: { code: 'contract.unknown_method' } });
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('never throws, even if the dispatcher or the trust check does', async () => {
    const { handler } = setup(async () => {
      throw new Error('boom with patient 王秀英');
    });
    const r = await handler(appFrame(), 'session.info', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'contract.internal' } });
    expect(JSON.stringify(r)).not.toContain('王秀英');
    const throwingCheck = createInvokeHandler(vi.fn<Dispatcher>(), {
      isTrustedSender: () => {
        throw new Error('x');
      },
    });
    expect(await throwingCheck(appFrame(), 'session.info', {})).toMatchObject({ ok: false, error: { code: UNTRUSTED_SENDER } });
  });

  it('accepts a custom trust check', async () => {
    const dispatch = vi.fn<Dispatcher>(async () => ({ ok: true, value: 1 }));
    const handler = createInvokeHandler(dispatch, { isTrustedSender: () => true });
    expect(await handler(event(null), 'x.y', {})).toEqual({ ok: true, value: 1 });
  });
});
