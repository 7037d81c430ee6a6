import { ulid } from 'ulid';
import type { Role } from '../../shared/sync/entities';
import { appendAudit } from '../audit/audit';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import type { HubStore } from '../store/store';
import { emitTeam, emitUser } from '../sync/changes';

/**
 * Account administration (the CLI's `user`, `team` and `workstation` commands;
 * also the demo seed). `actor` is the acting admin's user id, or null for the
 * local CLI (recorded as such in the audit trail).
 */
export class AdminError extends Error {
  constructor(
    readonly code: 'exists' | 'not_found' | 'weak_password' | 'bad_input',
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new AdminError('weak_password', `Password must have at least ${MIN_PASSWORD_LENGTH} characters`);
}

export async function addTeam(store: HubStore, team: { id: string; name: string }, actor: string | null, now: number): Promise<void> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(team.id)) throw new AdminError('bad_input', 'Team id must be [A-Za-z0-9_-]');
  await store.write(async (tx) => {
    if (await tx.getTeam(team.id)) throw new AdminError('exists', `Team ${team.id} exists`);
    await tx.insertTeam({ ...team, createdAt: now });
    await emitTeam(tx, team.id, { at: now, actorId: actor });
    await appendAudit(tx, { at: now, userId: actor, workstationId: null, action: 'team.add', objectType: 'team', objectId: team.id, outcome: 'ok', detail: { via: actor ? 'api' : 'cli' } });
  });
}

export interface NewUser {
  id?: string;
  username: string;
  displayName: string;
  role: Role;
  password: string;
  teamIds: string[];
}

export async function addUser(store: HubStore, u: NewUser, actor: string | null, now: number): Promise<string> {
  const username = u.username.trim().toLowerCase();
  if (!USERNAME.test(username)) throw new AdminError('bad_input', 'Username must be 2-32 of a-z 0-9 . _ - (starting with a letter or digit)');
  checkPassword(u.password);
  // Hash before the transaction: argon2 must not hold the single writer.
  const passwordHash = await hashPassword(u.password);
  const id = u.id ?? `u-${ulid(now).toLowerCase()}`;
  await store.write(async (tx) => {
    if (await tx.getUserByUsername(username)) throw new AdminError('exists', `User ${username} exists`);
    for (const t of u.teamIds) if (!(await tx.getTeam(t))) throw new AdminError('not_found', `Team ${t} does not exist`);
    await tx.insertUser({ id, username, displayName: u.displayName, role: u.role, passwordHash, disabled: false, failedAttempts: 0, lockedUntil: null, createdAt: now, updatedAt: now });
    await tx.setTeamMembers(id, u.teamIds);
    await emitUser(tx, id, { at: now, actorId: actor });
    await appendAudit(tx, { at: now, userId: actor, workstationId: null, action: 'user.add', objectType: 'user', objectId: id, outcome: 'ok', detail: { role: u.role, teamIds: u.teamIds, via: actor ? 'api' : 'cli' } });
  });
  return id;
}

/** New password, lock cleared, every session of the user ended. */
export async function resetPassword(store: HubStore, username: string, password: string, actor: string | null, now: number): Promise<void> {
  checkPassword(password);
  const passwordHash = await hashPassword(password);
  await store.write(async (tx) => {
    const user = await tx.getUserByUsername(username);
    if (!user) throw new AdminError('not_found', `No user ${username}`);
    await tx.updateUser(user.id, { passwordHash, failedAttempts: 0, lockedUntil: null, updatedAt: now });
    const ended = await tx.revokeSessions({ userId: user.id }, 'password_reset', now);
    await appendAudit(tx, { at: now, userId: actor, workstationId: null, action: 'user.reset', objectType: 'user', objectId: user.id, outcome: 'ok', detail: { sessionsEnded: ended } });
  });
}

/** Disabled users cannot sign in; their sessions end at once (every request re-checks). */
export async function disableUser(store: HubStore, username: string, actor: string | null, now: number): Promise<void> {
  await store.write(async (tx) => {
    const user = await tx.getUserByUsername(username);
    if (!user) throw new AdminError('not_found', `No user ${username}`);
    await tx.updateUser(user.id, { disabled: true, updatedAt: now });
    const ended = await tx.revokeSessions({ userId: user.id }, 'user_disabled', now);
    await emitUser(tx, user.id, { at: now, actorId: actor });
    await appendAudit(tx, { at: now, userId: actor, workstationId: null, action: 'user.disable', objectType: 'user', objectId: user.id, outcome: 'ok', detail: { sessionsEnded: ended } });
  });
}

export async function addWorkstation(store: HubStore, id: string, label: string | null, actor: string | null, now: number): Promise<void> {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) throw new AdminError('bad_input', 'Workstation id must be [A-Za-z0-9_.-]');
  await store.write(async (tx) => {
    const ws = await tx.getWorkstation(id);
    if (ws?.status === 'active') throw new AdminError('exists', `Workstation ${id} is registered`);
    if (ws) await tx.updateWorkstation(id, { status: 'active', label: label ?? ws.label });
    else await tx.insertWorkstation({ id, label, status: 'active', registeredAt: now, registeredBy: actor ?? 'cli', lastSeenAt: null });
    await appendAudit(tx, { at: now, userId: actor, workstationId: id, action: 'workstation.add', objectType: 'workstation', objectId: id, outcome: 'ok' });
  });
}

/** A revoked workstation's sessions end and it can no longer sign in (a lost or stolen PC). */
export async function revokeWorkstation(store: HubStore, id: string, actor: string | null, now: number): Promise<void> {
  await store.write(async (tx) => {
    if (!(await tx.getWorkstation(id))) throw new AdminError('not_found', `No workstation ${id}`);
    await tx.updateWorkstation(id, { status: 'revoked' });
    const ended = await tx.revokeSessions({ workstationId: id }, 'workstation_revoked', now);
    await appendAudit(tx, { at: now, userId: actor, workstationId: id, action: 'workstation.revoke', objectType: 'workstation', objectId: id, outcome: 'ok', detail: { sessionsEnded: ended } });
  });
}
