import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { z } from 'zod';
import { contract, type Contract } from '.';
import { domain, mergeDomains, method } from './define';
import { createDispatcher } from './dispatch';
import { createClient, createContractlessClient, type Client } from './client';
import type { LanternBridge } from './bridge';
import type { Result } from './result';

const echo = domain('echo', {
  say: method('repeat', z.object({ text: z.string().max(5) }).strict(), z.object({ text: z.string() })),
  ping: method('no input', z.object({}).strict(), z.object({ pong: z.literal(true) })),
});
const c = mergeDomains([echo] as const);
type C = typeof c;

describe('createContractlessClient (the renderer\'s client: the contract only as a type)', () => {
  it('calls "<domain>.<method>" through the bridge, {} when the input is left out', async () => {
    const invoke = vi.fn<LanternBridge['invoke']>(async () => ({ ok: true, value: { text: 'X' } }));
    const client = createContractlessClient<C>({ invoke });
    expect(await client.echo.say({ text: 'x' })).toEqual({ ok: true, value: { text: 'X' } });
    expect(invoke).toHaveBeenLastCalledWith('echo.say', { text: 'x' });
    await client.echo.ping();
    expect(invoke).toHaveBeenLastCalledWith('echo.ping', {});
  });

  it('has the same types as createClient', () => {
    expectTypeOf(createContractlessClient<C>({ invoke: async () => ({ ok: true, value: null }) })).toEqualTypeOf<Client<C>>();
    expectTypeOf<ReturnType<Client<C>['echo']['say']>>().toEqualTypeOf<Promise<Result<{ text: string }>>>();
  });

  it('makes every domain and method once (stable identities for props and hook dependencies)', () => {
    const client = createContractlessClient<C>({ invoke: async () => ({ ok: true, value: null }) });
    expect(client.echo).toBe(client.echo);
    expect(client.echo.say).toBe(client.echo.say);
  });

  it('is not a thenable and cannot be changed', async () => {
    const client = createContractlessClient<C>({ invoke: async () => ({ ok: true, value: null }) });
    const raw = client as unknown as Record<string, unknown>;
    const echoRaw = client.echo as unknown as Record<string, unknown>;
    // `await client` and `Promise.resolve(client.echo)` must give the objects back, not call the bridge.
    expect(raw.then).toBeUndefined();
    expect(echoRaw.then).toBeUndefined();
    expect(await Promise.resolve(client.echo)).toBe(client.echo);
    expect(raw.toJSON).toBeUndefined();
    expect(raw.constructor).toBeUndefined();
    expect(raw['Not-A-Name']).toBeUndefined();
    expect(raw[Symbol.toPrimitive as unknown as string]).toBeUndefined();
    expect(() => {
      raw.echo = {};
    }).toThrow(TypeError);
    expect(() => {
      echoRaw.say = () => null;
    }).toThrow(TypeError);
    expect(() => delete raw.echo).toThrow(TypeError);
  });

  it('against the real dispatcher: the same answers as createClient, unknown names are contract.unknown_method', async () => {
    const dispatch = createDispatcher(c, { echo: { say: async (i) => ({ text: i.text.toUpperCase() }), ping: async () => ({ pong: true as const }) } });
    const typed = createClient(c, { invoke: dispatch });
    const light = createContractlessClient<C>({ invoke: dispatch });
    expect(await light.echo.say({ text: 'abc' })).toEqual(await typed.echo.say({ text: 'abc' }));
    expect(await light.echo.say({ text: 'far too long' })).toEqual(await typed.echo.say({ text: 'far too long' }));
    const unknown = (light as unknown as Record<string, Record<string, (i?: unknown) => Promise<Result<unknown>>>>).echo!.shout!;
    expect(await unknown({})).toMatchObject({ ok: false, error: { code: 'contract.unknown_method' } });
  });

  it('covers every method of the real contract by name', async () => {
    const invoke = vi.fn<LanternBridge['invoke']>(async () => ({ ok: true, value: null }));
    const light = createContractlessClient<Contract>({ invoke }) as unknown as Record<string, Record<string, (i?: unknown) => Promise<unknown>>>;
    for (const [d, methods] of Object.entries(contract)) {
      for (const m of Object.keys(methods)) {
        await light[d]![m]!({});
        expect(invoke).toHaveBeenLastCalledWith(`${d}.${m}`, {});
      }
    }
  });
});
