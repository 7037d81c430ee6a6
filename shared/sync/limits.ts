/** Protocol limits. The hub enforces them; clients should batch below them. */
export const SYNC_LIMITS = {
  /** Mutations in one `POST /sync/push`. More → 413 `sync.batch_too_large`. */
  maxMutationsPerPush: 500,
  /** Bytes of one request body (push or any other route). More → 413. */
  maxBodyBytes: 1024 * 1024,
  /** Largest `limit` of one pull. More → 413 `sync.batch_too_large`. */
  maxPullLimit: 1000,
  defaultPullLimit: 500,
  /** A pull page also stops once its changes pass this many bytes (at least one change is always returned). */
  pullPageBytes: 4 * 1024 * 1024,
  /** `POST /sync/pull/stream` ends after this many pages or this long (the client then asks again from its cursor). */
  streamMaxPages: 100,
  streamMaxMs: 10_000,
  /** A message may be recalled only this long after the hub accepted it. */
  recallWindowMs: 5_000,
  maxBodyChars: 10_000,
  maxTags: 20,
  maxTagChars: 32,
  /** Files on one reply, and the largest file (PUT /sync/attachments/:id; the same as the workstation's limit). */
  maxAttachmentsPerMessage: 5,
  maxAttachmentBytes: 10 * 1024 * 1024,
  /** A live-tail `changes` frame carries at most this many changes / bytes; more → a plain poke (pull). */
  liveFrameChanges: 1000,
  liveFrameBytes: 1024 * 1024,
  /** Largest WebSocket frame a client may send. */
  maxWsFrameBytes: 16 * 1024,
} as const;
