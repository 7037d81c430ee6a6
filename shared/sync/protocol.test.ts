import { describe, expect, it } from 'vitest';
import { canTransition, canSee, statusAfterReply, statusTransitions } from './rules';
import { mutationEnvelope, mutationTypes, parseMutation, ulidSchema } from './mutations';
import { changeSchema, pullValue, pushRequest, wsClientFrame } from './protocol';
import { conversationStatuses } from '../domain/types';

describe('sync protocol schemas', () => {
  it('mutation ids are upper-case Crockford ULIDs', () => {
    expect(ulidSchema.safeParse('01ARZ3NDEKTSV4RRFFQ69G5FAV').success).toBe(true);
    for (const bad of ['01arz3ndektsv4rrffq69g5fav', '01ARZ3NDEKTSV4RRFFQ69G5FA', '81ARZ3NDEKTSV4RRFFQ69G5FAV', '01ARZ3NDEKTSV4RRFFQ69G5FAI', '']) expect(ulidSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('parses each mutation type and refuses unknown types and bad args', () => {
    expect(mutationTypes).toEqual([
      'message.send',
      'note.add',
      'conversation.setStatus',
      'conversation.assign',
      'conversation.setPriority',
      'conversation.setTags',
      'conversation.markRead',
      'contact.updateProfile',
      'message.recall',
      'contact.revealIdentifier',
      'knowledge.feedback',
    ]);
    const env = { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', clientTime: 1 };
    expect(parseMutation({ ...env, type: 'message.send', args: { conversationId: 'v-1', messageId: '01ARZ3NDEKTSV4RRFFQ69G5FAW', body: 'hi' } })).toMatchObject({
      ok: true,
      mutation: { args: { contentType: 'text' } },
    });
    expect(parseMutation({ ...env, type: 'message.delete', args: {} })).toMatchObject({ ok: false, code: 'sync.unknown_mutation' });
    expect(parseMutation({ ...env, type: 'toString', args: {} })).toMatchObject({ ok: false, code: 'sync.unknown_mutation' });
    expect(parseMutation({ ...env, type: 'note.add', args: { conversationId: 'v-1', noteId: '01ARZ3NDEKTSV4RRFFQ69G5FAW', body: '' } })).toMatchObject({ ok: false, code: 'sync.bad_request' });
    expect(parseMutation({ ...env, type: 'contact.updateProfile', args: { contactId: 'c', patch: {} } })).toMatchObject({ ok: false, code: 'sync.bad_request' });
    expect(parseMutation({ ...env, type: 'conversation.markRead', args: { conversationId: 'v', extra: 1 } })).toMatchObject({ ok: false, code: 'sync.bad_request' });
    expect(parseMutation({ ...env, type: 'contact.revealIdentifier', args: { identityId: 'c-li-id0', reason: '  ' } })).toMatchObject({ ok: false, code: 'sync.bad_request' });
    expect(parseMutation({ ...env, type: 'contact.revealIdentifier', args: { identityId: 'c-li-id0', value: '+86…' } })).toMatchObject({ ok: false, code: 'sync.bad_request' });
    expect(mutationEnvelope.safeParse({ ...env, type: 'note.add', args: {}, extra: 1 }).success).toBe(false);
    expect(pushRequest.safeParse({ mutations: [] }).success).toBe(false);
  });

  it('the status table: resolved only reopens; every status may stay as it is', () => {
    for (const s of conversationStatuses) expect(canTransition(s, s)).toBe(true);
    expect(statusTransitions.resolved).toEqual(['open']);
    expect(canTransition('resolved', 'pending')).toBe(false);
    expect(canTransition('open', 'resolved')).toBe(true);
    expect(statusAfterReply('resolved')).toBe('open');
    expect(statusAfterReply('snoozed')).toBe('snoozed');
  });

  it('scope rule examples', () => {
    const agent = { id: 'a', role: 'agent' as const, teamIds: ['t1'] };
    const sup = { id: 's', role: 'supervisor' as const, teamIds: ['t1'] };
    expect(canSee(agent, { assigneeId: 'a', teamId: 't2' })).toBe(true);
    expect(canSee(agent, { assigneeId: null, teamId: 't1' })).toBe(true);
    expect(canSee(agent, { assigneeId: 'b', teamId: 't1' })).toBe(false);
    expect(canSee(sup, { assigneeId: 'b', teamId: 't1' })).toBe(true);
    expect(canSee(sup, { assigneeId: 'b', teamId: 't2' })).toBe(false);
    expect(canSee(agent, { assigneeId: null, teamId: null })).toBe(false);
  });

  it('response and frame shapes', () => {
    expect(pullValue.safeParse({ hubId: 'h', changes: [{ seq: 1, entity: 'team', id: 't', op: 'put', data: {} }], cursor: 1, hasMore: false }).success).toBe(true);
    expect(changeSchema.safeParse({ seq: 0, entity: 'team', id: 't', op: 'put', data: {} }).success).toBe(false);
    expect(wsClientFrame.safeParse({ type: 'auth', token: 'x' }).success).toBe(true);
    expect(wsClientFrame.safeParse({ type: 'poke' }).success).toBe(false);
  });
});
