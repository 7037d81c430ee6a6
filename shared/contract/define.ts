import type { z } from 'zod';

/** One method of the contract: what it accepts and what it returns, both checked at runtime. */
export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly summary: string;
}

export type DomainMethods = Record<string, MethodDef>;

export interface DomainDef<N extends string = string, M extends DomainMethods = DomainMethods> {
  readonly name: N;
  readonly methods: M;
}

export function method<I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O): MethodDef<I, O> {
  return { summary, input, output };
}

export function domain<N extends string, M extends DomainMethods>(name: N, methods: M): DomainDef<N, M> {
  return { name, methods };
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** `{ session: {...methods}, conversations: {...} }` from a tuple of domains. */
export type ContractOf<D extends readonly DomainDef[]> = UnionToIntersection<
  { [K in keyof D]: D[K] extends DomainDef<infer N, infer M> ? { [P in N]: M } : never }[number]
>;

export type AnyContract = Record<string, DomainMethods>;

/**
 * Merges domains into one contract. Throws at start-up when two domains share a
 * name, so a method can never be silently shadowed (Actual does the same for its
 * handler maps).
 */
export function mergeDomains<const D extends readonly DomainDef[]>(domains: D): ContractOf<D> {
  const out: Record<string, DomainMethods> = {};
  for (const d of domains) {
    if (!/^[a-z][a-zA-Z]*$/.test(d.name)) throw new Error(`Invalid domain name "${d.name}"`);
    if (Object.prototype.hasOwnProperty.call(out, d.name)) throw new Error(`Duplicate contract domain "${d.name}"`);
    for (const m of Object.keys(d.methods)) {
      if (!/^[a-z][a-zA-Z]*$/.test(m)) throw new Error(`Invalid method name "${d.name}.${m}"`);
    }
    out[d.name] = d.methods;
  }
  return Object.freeze(out) as ContractOf<D>;
}

/** Every full method name of a contract: `"session.info" | "conversations.list" | …`. */
export type MethodName<C extends AnyContract> = {
  [D in keyof C & string]: `${D}.${keyof C[D] & string}`;
}[keyof C & string];

export type InputOf<C extends AnyContract, D extends keyof C, M extends keyof C[D]> = C[D][M] extends MethodDef<infer I, z.ZodType> ? z.input<I> : never;
export type ParsedInputOf<C extends AnyContract, D extends keyof C, M extends keyof C[D]> = C[D][M] extends MethodDef<infer I, z.ZodType> ? z.output<I> : never;
export type OutputOf<C extends AnyContract, D extends keyof C, M extends keyof C[D]> = C[D][M] extends MethodDef<z.ZodType, infer O> ? z.output<O> : never;
export type HandlerReturnOf<C extends AnyContract, D extends keyof C, M extends keyof C[D]> = C[D][M] extends MethodDef<z.ZodType, infer O> ? z.input<O> : never;
