import type { Replica } from '../replica/open';

/** What every domain's handlers share. */
export interface ServiceContext {
  readonly replica: Replica;
  readonly appVersion: string;
  readonly hubUrl: string | null;
  readonly now: () => number;
  /** The signed-in user; the demo clinic signs in a local demo agent. */
  readonly user: { id: string; name: string };
}
