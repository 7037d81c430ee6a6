import { monotonicFactory } from 'ulid';

/**
 * Client-made ids for rows and mutations: ULIDs that increase even within one
 * millisecond, so the outbox's id order is the order the user acted in.
 */
export const newId: () => string = monotonicFactory();
