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
