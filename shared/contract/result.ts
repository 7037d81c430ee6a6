import { z } from 'zod';

/**
 * Every call across a trust boundary (IPC today, HTTP and sync later) answers with
 * this envelope. Errors carry a stable `code` (what programs branch on and what the
 * UI localizes) and an English `message` for logs.
 */
export const errorShape = z.object({
  code: z.string().min(1),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorShape = z.infer<typeof errorShape>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorShape };

export const resultShape = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorShape }),
]);

/** Error codes the contract layer itself produces. Domains add their own (`replica.*`, …). */
export const ContractErrorCode = {
  unknownMethod: 'contract.unknown_method',
  badInput: 'contract.bad_input',
  badOutput: 'contract.bad_output',
  internal: 'contract.internal',
} as const;

/**
 * A failure a service raises on purpose. Anything else thrown in a handler is
 * reported as `contract.internal` without leaking its text to the renderer.
 */
export class LanternError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'LanternError';
    this.code = code;
    this.details = details;
  }
}

export function isLanternError(e: unknown): e is LanternError {
  return e instanceof LanternError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'LanternError' && typeof (e as { code?: unknown }).code === 'string');
}
