/**
 * Stable error codes the hub answers with (HTTP envelope `{ok:false,error:{code,message}}`,
 * per-mutation rejections and WebSocket `error` frames). Programs branch on these;
 * `shared/i18n/hub-errors.ts` holds the zh-CN/en text people read.
 */
export const HubErrorCode = {
  // Request level (any route)
  malformedJson: 'request.malformed_json',
  unsupportedMediaType: 'request.unsupported_media_type',
  tooLarge: 'request.too_large',
  requestNotFound: 'request.not_found',
  requestBadRequest: 'request.bad_request',
  upgradeRequired: 'request.upgrade_required',
  // Authentication and access
  authBadRequest: 'auth.bad_request',
  missingToken: 'auth.missing_token',
  invalidToken: 'auth.invalid_token',
  expired: 'auth.expired',
  invalidCredentials: 'auth.invalid_credentials',
  locked: 'auth.locked',
  disabled: 'auth.disabled',
  sessionRevoked: 'auth.session_revoked',
  refreshReused: 'auth.refresh_reused',
  workstationMismatch: 'auth.workstation_mismatch',
  workstationUnregistered: 'auth.workstation_unregistered',
  workstationRevoked: 'auth.workstation_revoked',
  // Sync, whole request
  badRequest: 'sync.bad_request',
  badCursor: 'sync.bad_cursor',
  batchTooLarge: 'sync.batch_too_large',
  unknownMutation: 'sync.unknown_mutation',
  // Sync, one mutation rejected (the rest of the batch is unaffected)
  notFound: 'sync.not_found',
  forbidden: 'sync.forbidden',
  invalidTransition: 'sync.invalid_transition',
  assigneeNotInTeam: 'sync.assignee_not_in_team',
  unknownTeam: 'sync.unknown_team',
  idConflict: 'sync.id_conflict',
  mutationIdConflict: 'sync.mutation_id_conflict',
  consentWithdrawn: 'sync.consent_withdrawn',
  notRecallable: 'sync.not_recallable',
  recallWindowClosed: 'sync.recall_window_closed',
  alreadyRecalled: 'sync.already_recalled',
  /** A reply names a file the hub does not hold for this user and conversation (never uploaded, or refused). */
  attachmentMissing: 'sync.attachment_missing',
  /** Files on a reply whose channel carries text only. */
  attachmentUnsupported: 'sync.attachment_unsupported',
  /** An upload the hub refused: empty, wrong type by content, checksum mismatch. */
  attachmentInvalid: 'sync.attachment_invalid',
  // Hub
  unavailable: 'hub.unavailable',
  internal: 'hub.internal',
} as const;
export type HubErrorCodeValue = (typeof HubErrorCode)[keyof typeof HubErrorCode];

/** Codes a push answers per mutation with `status: 'rejected'`. */
export const mutationRejectionCodes = [
  HubErrorCode.notFound,
  HubErrorCode.forbidden,
  HubErrorCode.invalidTransition,
  HubErrorCode.assigneeNotInTeam,
  HubErrorCode.unknownTeam,
  HubErrorCode.idConflict,
  HubErrorCode.mutationIdConflict,
  HubErrorCode.consentWithdrawn,
  HubErrorCode.notRecallable,
  HubErrorCode.recallWindowClosed,
  HubErrorCode.alreadyRecalled,
  HubErrorCode.attachmentMissing,
  HubErrorCode.attachmentUnsupported,
] as const;
export type MutationRejectionCode = (typeof mutationRejectionCodes)[number];
