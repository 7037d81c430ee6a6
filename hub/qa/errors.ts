import type { HubErrorCodeValue } from '../../shared/sync/errors';
import { HubError } from '../http/errors';

/** Stable codes of the QA API (localised by the workstation: renderer i18n `supervisor.errors`). */
export const QaErrorCode = {
  forbidden: 'qa.forbidden',
  notFound: 'qa.not_found',
  badRequest: 'qa.bad_request',
  invalidState: 'qa.invalid_state',
  incomplete: 'qa.incomplete',
  commentRequired: 'qa.comment_required',
  duplicate: 'qa.duplicate',
  noSender: 'qa.no_sender',
} as const;
export type QaErrorCodeValue = (typeof QaErrorCode)[keyof typeof QaErrorCode];

const STATUS: Record<QaErrorCodeValue, number> = {
  'qa.forbidden': 403,
  'qa.not_found': 404,
  'qa.bad_request': 400,
  'qa.invalid_state': 409,
  'qa.incomplete': 400,
  'qa.comment_required': 400,
  'qa.duplicate': 409,
  'qa.no_sender': 409,
};

/**
 * A QA API refusal in the hub's error envelope. It is a HubError so the server's
 * error handler answers it like any other; the code is outside the sync code list
 * (those are the sync protocol's), hence the cast.
 */
export class QaError extends HubError {
  constructor(code: QaErrorCodeValue, message: string, details?: unknown) {
    super(code as unknown as HubErrorCodeValue, message, details, STATUS[code]);
    this.name = 'QaError';
  }
}
