import { createHash } from 'node:crypto';
import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { LanternError } from '../../../shared/contract/result';
import { cacheAttachment, readAttachment, stageAttachment, stagedAttachments, unstageAttachment } from '../attachments/store';
import type { SyncClient } from '../sync/client';
import { HubError } from '../sync/http';
import type { ServiceContext } from './context';

/** Files on replies (staged in the composer) and on messages (opened from the replica or the hub). */
export function attachmentsHandlers(ctx: ServiceContext, sync: SyncClient | null): Handlers<Contract>['attachments'] {
  return {
    stage: ({ conversationId, filename, dataBase64 }) => stageAttachment(ctx.replica, { conversationId, filename, data: Buffer.from(dataBase64, 'base64'), now: ctx.now() }),
    unstage: ({ id }) => {
      unstageAttachment(ctx.replica, id);
      return { id, removed: true as const };
    },
    staged: ({ conversationId }) => ({ items: stagedAttachments(ctx.replica, conversationId) }),
    open: async ({ id }) => {
      const row = readAttachment(ctx.replica, id);
      if (!row) throw new LanternError('replica.not_found', `No file ${id}`);
      let data = row.data;
      if (!data) {
        if (!sync) throw new LanternError('attachments.offline', 'This file is not on this computer');
        try {
          data = (await sync.fetchAttachment(id)).data;
        } catch (e) {
          if (e instanceof HubError && e.kind === 'network') throw new LanternError('attachments.offline', 'The hub is unreachable and this file has not been opened on this computer before');
          if (e instanceof HubError) throw new LanternError(e.error.code, e.error.message);
          throw e;
        }
        // The hub's copy must be the file the message names.
        if (row.sha256 && createHash('sha256').update(data).digest('hex') !== row.sha256) throw new LanternError('attachments.corrupt', 'The file from the hub does not match its checksum');
        cacheAttachment(ctx.replica, id, data);
      }
      return { id, filename: row.filename, mime: row.mime, size: row.size, dataBase64: data.toString('base64') };
    },
  };
}
