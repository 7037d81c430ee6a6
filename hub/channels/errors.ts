/**
 * Why a channel refused an inbound request. Each protocol answers in its own way
 * (WeChat: plain text; webhooks: the hub's JSON envelope; SMTP: a reply code),
 * always with a log line naming the channel and the code, never a crash.
 */
export const ChannelErrorCode = {
  disabled: 'channel.disabled',
  badSignature: 'channel.bad_signature',
  replay: 'channel.replay',
  malformed: 'channel.malformed',
  badPayload: 'channel.bad_payload',
  tooLarge: 'channel.too_large',
  unsupportedMedia: 'channel.unsupported_media_type',
  badAttachment: 'channel.bad_attachment',
  unknownContact: 'channel.unknown_contact',
  impossibleValue: 'channel.impossible_value',
  forbiddenOrigin: 'channel.forbidden_origin',
  unauthorized: 'channel.unauthorized',
  notFound: 'channel.not_found',
  internal: 'channel.internal',
} as const;
export type ChannelErrorCodeValue = (typeof ChannelErrorCode)[keyof typeof ChannelErrorCode];

const STATUS: Record<ChannelErrorCodeValue, number> = {
  'channel.disabled': 404,
  'channel.bad_signature': 401,
  'channel.replay': 409,
  'channel.malformed': 400,
  'channel.bad_payload': 422,
  'channel.too_large': 413,
  'channel.unsupported_media_type': 415,
  'channel.bad_attachment': 415,
  'channel.unknown_contact': 422,
  'channel.impossible_value': 422,
  'channel.forbidden_origin': 403,
  'channel.unauthorized': 401,
  'channel.not_found': 404,
  'channel.internal': 500,
};

export class ChannelError extends Error {
  readonly status: number;
  constructor(
    readonly code: ChannelErrorCodeValue,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ChannelError';
    this.status = STATUS[code];
  }
}

/** Delivery failure reasons written to `messages.failure_reason` (the agent sees them). */
export const DeliveryFailure = {
  notConfigured: 'channel.not_configured',
  noRoute: 'channel.no_route',
  consentWithdrawn: 'sync.consent_withdrawn',
  rejectedByProvider: 'channel.rejected',
  retriesExhausted: 'channel.retries_exhausted',
  windowClosed: 'channel.wechat_window_closed',
  badAddress: 'channel.bad_address',
} as const;
