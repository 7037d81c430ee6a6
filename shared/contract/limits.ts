/**
 * Plain limits of the contract, without zod: the schema modules (`attachments.ts`,
 * `messages.ts`) use and re-export them, and the renderer imports them from here so a
 * constant does not bring the schemas (and zod) into its bundle.
 */

/** Largest file an agent may attach (the hub's default channel limit is the same). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** Files per reply. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 5;
/** What may be attached, decided by the file's content (not its name): images and PDF. */
export const ATTACHMENT_MIMES = ['image/png', 'image/jpeg', 'image/webp', 'application/pdf'] as const;
export type AttachmentMime = (typeof ATTACHMENT_MIMES)[number];

/** Longest reply or note, in characters. */
export const MAX_MESSAGE_CHARS = 4000;
