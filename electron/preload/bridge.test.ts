import { describe, expect, it, vi } from 'vitest';
import { createBridge } from './bridge';

describe('preload bridge', () => {
  it('exposes exactly one frozen function, invoke', () => {
    const bridge = createBridge(vi.fn());
    expect(Object.keys(bridge)).toEqual(['invoke']);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(() => {
      (bridge as { invoke: unknown }).invoke = () => 'hijacked';
    }).toThrow(TypeError);
  });

  it('forwards method and input unchanged and returns the answer', async () => {
    const invoke = vi.fn(async () => ({ ok: true, value: 42 }));
    const bridge = createBridge(invoke);
    expect(await bridge.invoke('session.info', { x: 1 })).toEqual({ ok: true, value: 42 });
    expect(invoke).toHaveBeenCalledWith('session.info', { x: 1 });
  });

  it('answers non-string methods locally without any IPC', async () => {
    const invoke = vi.fn();
    const bridge = createBridge(invoke);
    for (const m of [undefined, 1, { toString: () => 'session.info' }]) {
      expect(await bridge.invoke(m as unknown as string, {})).toMatchObject({ ok: false, error: { code: 'contract.unknown_method' } });
    }
    expect(invoke).not.toHaveBeenCalled();
  });
});
