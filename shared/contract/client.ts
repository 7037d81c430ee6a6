import type { AnyContract, InputOf, OutputOf } from './define';
import type { LanternBridge } from './bridge';
import type { Result } from './result';

/** `client.conversations.list({ … })` — argument and result types come from the contract's zod schemas. */
export type Client<C extends AnyContract> = {
  readonly [D in keyof C]: {
    // An input whose fields are all optional may be omitted: `{}` here is exactly "no fields".
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    readonly [M in keyof C[D]]: {} extends InputOf<C, D, M>
      ? (input?: InputOf<C, D, M>) => Promise<Result<OutputOf<C, D, M>>>
      : (input: InputOf<C, D, M>) => Promise<Result<OutputOf<C, D, M>>>;
  };
};

/** Builds the typed client over a bridge. Nothing is typed by hand. */
export function createClient<C extends AnyContract>(contract: C, bridge: LanternBridge): Client<C> {
  const client: Record<string, Record<string, (input?: unknown) => Promise<Result<unknown>>>> = {};
  for (const [domainName, methods] of Object.entries(contract)) {
    const d: Record<string, (input?: unknown) => Promise<Result<unknown>>> = {};
    for (const methodName of Object.keys(methods)) {
      const full = `${domainName}.${methodName}`;
      d[methodName] = (input?: unknown) => bridge.invoke(full, input ?? {});
    }
    client[domainName] = Object.freeze(d);
  }
  return Object.freeze(client) as unknown as Client<C>;
}

/** Domain and method names as `mergeDomains` accepts them. */
const NAME = /^[a-z][a-zA-Z]*$/;
/**
 * Names that look like contract names but that JavaScript itself asks objects for:
 * `await client` / `Promise.resolve(domain)` probe `then`, JSON.stringify probes `toJSON`,
 * and Object.prototype's own members. They are never domains or methods.
 */
const RESERVED = new Set(['then', 'catch', 'finally', 'toJSON', 'constructor', 'valueOf', 'toString', 'toLocaleString', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable']);

function namesProxy<T>(make: (name: string) => T): Record<string, T> {
  const made = new Map<string, T>();
  return new Proxy(Object.create(null) as Record<string, T>, {
    get(_target, key) {
      if (typeof key !== 'string' || !NAME.test(key) || RESERVED.has(key)) return undefined;
      let v = made.get(key);
      if (v === undefined) {
        v = make(key);
        made.set(key, v);
      }
      return v;
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

/**
 * The same typed client without the contract's runtime schemas: the contract is only a
 * type here (`import type`), and `client.<domain>.<method>` is made on first use as a
 * call of `"<domain>.<method>"` over the bridge. Nothing of zod or the schemas ends up
 * in the caller's bundle. The other side (the dispatcher) validates every input and
 * answers an unknown name with `contract.unknown_method`, exactly as for a bad input —
 * so a name outside the contract cannot do more than with `createClient`. Domain and
 * method objects are created once per name, so they are stable (usable as props and
 * hook dependencies), and the client cannot be modified.
 */
export function createContractlessClient<C extends AnyContract>(bridge: LanternBridge): Client<C> {
  return namesProxy((domainName) =>
    namesProxy((methodName) => {
      const full = `${domainName}.${methodName}`;
      return (input?: unknown) => bridge.invoke(full, input ?? {});
    }),
  ) as unknown as Client<C>;
}
