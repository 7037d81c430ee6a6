import type { z } from 'zod';
import type { AnyContract, DomainMethods, HandlerReturnOf, MethodDef, ParsedInputOf } from './define';
import { ContractErrorCode, isLanternError, type Result } from './result';

/** What the dispatcher passes to every handler besides its input. */
export interface CallContext {
  readonly method: string;
}

/** The handler map a workstation must provide: one function per contract method, typed from the schemas. */
export type Handlers<C extends AnyContract> = {
  [D in keyof C]: {
    [M in keyof C[D]]: (input: ParsedInputOf<C, D, M>, ctx: CallContext) => HandlerReturnOf<C, D, M> | Promise<HandlerReturnOf<C, D, M>>;
  };
};

export type Dispatcher = (method: unknown, input: unknown) => Promise<Result<unknown>>;

export interface DispatcherOptions {
  /** Called for unexpected errors (bugs), with the original error, for the log. */
  onInternalError?: (method: string, error: unknown) => void;
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`)
    .join('; ');
}

/**
 * Turns a contract and its handlers into one function for the IPC channel (and for
 * the test harness, which calls the very same function from Chromium). Never throws:
 * unknown method, bad input, a service error or a bug each become a typed error.
 */
export function createDispatcher<C extends AnyContract>(contract: C, handlers: Handlers<C>, options: DispatcherOptions = {}): Dispatcher {
  const table = new Map<string, { def: MethodDef; fn: (input: unknown, ctx: CallContext) => unknown }>();
  for (const [domainName, methods] of Object.entries(contract) as [string, DomainMethods][]) {
    const domainHandlers = (handlers as Record<string, Record<string, unknown> | undefined>)[domainName];
    for (const [methodName, def] of Object.entries(methods)) {
      const fn = domainHandlers?.[methodName];
      if (typeof fn !== 'function') throw new Error(`No handler for ${domainName}.${methodName}`);
      table.set(`${domainName}.${methodName}`, { def, fn: fn as (input: unknown, ctx: CallContext) => unknown });
    }
  }

  return async (method, input) => {
    if (typeof method !== 'string' || !table.has(method)) {
      return { ok: false, error: { code: ContractErrorCode.unknownMethod, message: `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}` } };
    }
    const entry = table.get(method)!;
    const parsed = entry.def.input.safeParse(input ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: ContractErrorCode.badInput, message: `Bad input for ${method}: ${formatIssues(parsed.error.issues)}`, details: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
      };
    }
    let raw: unknown;
    try {
      raw = await entry.fn(parsed.data, { method });
    } catch (error) {
      if (isLanternError(error)) {
        return { ok: false, error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
      }
      options.onInternalError?.(method, error);
      return { ok: false, error: { code: ContractErrorCode.internal, message: `Internal error in ${method}` } };
    }
    const out = entry.def.output.safeParse(raw);
    if (!out.success) {
      options.onInternalError?.(method, out.error);
      return { ok: false, error: { code: ContractErrorCode.badOutput, message: `Invalid output from ${method}: ${formatIssues(out.error.issues)}` } };
    }
    return { ok: true, value: out.data };
  };
}
