import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { contract } from '.';
import { domain, mergeDomains, method } from './define';
import { createDispatcher } from './dispatch';
import { createClient } from './client';
import { LanternError } from './result';
import type { LanternBridge } from './bridge';

const echo = domain('echo', {
  say: method('repeat', z.object({ text: z.string().max(5) }).strict(), z.object({ text: z.string() })),
  fail: method('service error', z.object({}).strict(), z.object({})),
  crash: method('bug', z.object({}).strict(), z.object({})),
  lie: method('bad output', z.object({}).strict(), z.object({ n: z.number() })),
});
const c = mergeDomains([echo] as const);

describe('contract', () => {
  it('contains the foundation and workspace domains, every method with input and output schemas', () => {
    expect(Object.keys(contract)).toEqual(expect.arrayContaining(['session', 'conversations', 'messages', 'notes', 'drafts', 'contacts', 'canned', 'users', 'sync', 'knowledge', 'diagnostics']));
    for (const methods of Object.values(contract)) {
      for (const def of Object.values(methods)) {
        expect(def.input).toBeInstanceOf(z.ZodType);
        expect(def.output).toBeInstanceOf(z.ZodType);
        expect(def.summary.length).toBeGreaterThan(5);
      }
    }
  });

  it('refuses duplicate domains at start-up', () => {
    expect(() => mergeDomains([echo, echo] as const)).toThrow(/Duplicate contract domain "echo"/);
    expect(() => mergeDomains([domain('bad-name', {})] as const)).toThrow(/Invalid domain name/);
  });

  it('requires a handler for every method', () => {
    expect(() => createDispatcher(c, { echo: { say: ({ text }: { text: string }) => ({ text }) } } as never)).toThrow(/No handler for echo.fail/);
  });

  describe('dispatcher', () => {
    const onInternalError = vi.fn();
    const dispatch = createDispatcher(
      c,
      {
        echo: {
          say: ({ text }) => ({ text: text.toUpperCase() }),
          fail: () => {
            throw new LanternError('replica.not_found', 'nope');
          },
          crash: () => {
            throw new TypeError('secret internals /home/x');
          },
          lie: () => ({ n: 'three' }) as never,
        },
      },
      { onInternalError },
    );

    it('validates input and returns the value', async () => {
      expect(await dispatch('echo.say', { text: 'hi' })).toEqual({ ok: true, value: { text: 'HI' } });
    });
    it('unknown method → contract.unknown_method', async () => {
      expect(await dispatch('echo.nope', {})).toMatchObject({ ok: false, error: { code: 'contract.unknown_method' } });
      expect(await dispatch(42, {})).toMatchObject({ ok: false, error: { code: 'contract.unknown_method' } });
      expect(await dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'contract.unknown_method' } });
    });
    it('bad input → contract.bad_input naming the field', async () => {
      const r = await dispatch('echo.say', { text: 'far too long' });
      expect(r).toMatchObject({ ok: false, error: { code: 'contract.bad_input' } });
      if (!r.ok) expect(r.error.message).toMatch(/text/);
      expect(await dispatch('echo.say', { text: 'a', extra: 1 })).toMatchObject({ ok: false, error: { code: 'contract.bad_input' } });
      expect(await dispatch('echo.say', 'not an object')).toMatchObject({ ok: false, error: { code: 'contract.bad_input' } });
    });
    it('a service error keeps its code', async () => {
      expect(await dispatch('echo.fail', {})).toEqual({ ok: false, error: { code: 'replica.not_found', message: 'nope' } });
    });
    it('a bug becomes contract.internal without leaking its text, and is reported', async () => {
      const r = await dispatch('echo.crash', {});
      expect(r).toEqual({ ok: false, error: { code: 'contract.internal', message: 'Internal error in echo.crash' } });
      expect(onInternalError).toHaveBeenCalledWith('echo.crash', expect.any(TypeError));
    });
    it('invalid handler output → contract.bad_output', async () => {
      expect(await dispatch('echo.lie', {})).toMatchObject({ ok: false, error: { code: 'contract.bad_output' } });
    });
  });

  it('the client calls "<domain>.<method>" through the bridge', async () => {
    const invoke = vi.fn<LanternBridge['invoke']>(async () => ({ ok: true, value: { text: 'X' } }));
    const client = createClient(c, { invoke });
    const r = await client.echo.say({ text: 'x' });
    expect(invoke).toHaveBeenCalledWith('echo.say', { text: 'x' });
    expect(r).toEqual({ ok: true, value: { text: 'X' } });
    expect(Object.isFrozen(client)).toBe(true);
    expect(Object.isFrozen(client.echo)).toBe(true);
  });
});
