import { HubErrorCode, type HubErrorCodeValue } from '../../shared/sync/errors';

/** HTTP status per hub error code (per-mutation rejection codes never become an HTTP status). */
export const statusOf: Partial<Record<HubErrorCodeValue, number>> = {
  [HubErrorCode.malformedJson]: 400,
  [HubErrorCode.unsupportedMediaType]: 415,
  [HubErrorCode.tooLarge]: 413,
  [HubErrorCode.requestNotFound]: 404,
  [HubErrorCode.requestBadRequest]: 400,
  [HubErrorCode.upgradeRequired]: 426,
  [HubErrorCode.authBadRequest]: 400,
  [HubErrorCode.missingToken]: 401,
  [HubErrorCode.invalidToken]: 401,
  [HubErrorCode.expired]: 401,
  [HubErrorCode.invalidCredentials]: 401,
  [HubErrorCode.locked]: 423,
  [HubErrorCode.disabled]: 403,
  [HubErrorCode.sessionRevoked]: 401,
  [HubErrorCode.refreshReused]: 401,
  [HubErrorCode.workstationMismatch]: 401,
  [HubErrorCode.workstationUnregistered]: 403,
  [HubErrorCode.workstationRevoked]: 403,
  [HubErrorCode.badRequest]: 400,
  [HubErrorCode.badCursor]: 400,
  [HubErrorCode.batchTooLarge]: 413,
  [HubErrorCode.unknownMutation]: 400,
  [HubErrorCode.unavailable]: 503,
  [HubErrorCode.internal]: 500,
};

/** A failure the hub answers on purpose: `{ok:false,error:{code,message,details?}}` with `status`. */
export class HubError extends Error {
  readonly status: number;
  constructor(
    readonly code: HubErrorCodeValue,
    message: string,
    readonly details?: unknown,
    status?: number,
  ) {
    super(message);
    this.name = 'HubError';
    this.status = status ?? statusOf[code] ?? 400;
  }
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { ok: false as const, error: details === undefined ? { code, message } : { code, message, details } };
}

export function okBody<T>(value: T) {
  return { ok: true as const, value };
}
