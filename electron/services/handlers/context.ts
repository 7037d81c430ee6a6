import type { Replica } from '../replica/open';
import type { Role } from '../../../shared/contract/users';

export interface SessionUser {
  id: string;
  name: string;
  role: Role;
  teamIds: string[];
}

/** What every domain's handlers share. */
export interface ServiceContext {
  readonly replica: Replica;
  readonly appVersion: string;
  readonly hubUrl: string | null;
  readonly now: () => number;
  /** The signed-in user (the demo clinic signs in a local demo agent); replaced on login. */
  readonly session: { user: SessionUser; locked: boolean };
  /** Idle minutes before the workspace locks (policy; default 5). */
  readonly autoLockMinutes: number;
  /** Public demo accounts of an embedded demo hub (sign-in hint), else null. */
  readonly demoAccounts: { username: string; password: string; role: string; displayName: string }[] | null;
}

export const DEMO_USER: SessionUser = { id: 'u-demo-agent', name: '演示坐席 Demo agent', role: 'agent', teamIds: ['t-outpatient'] };
