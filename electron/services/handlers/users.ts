import type { Contract } from '../../../shared/contract';
import type { Handlers } from '../../../shared/contract/dispatch';
import { teams, users } from '../../../db/replica/schema';
import type { ServiceContext } from './context';

export function usersHandlers(ctx: ServiceContext): Handlers<Contract>['users'] {
  const { db } = ctx.replica;
  return {
    list: () => {
      const me = ctx.session.user;
      return {
        me: { id: me.id, displayName: me.name, role: me.role, teamIds: me.teamIds },
        users: db.select({ id: users.id, displayName: users.displayName, role: users.role, teamIds: users.teamIds }).from(users).orderBy(users.displayName).all(),
        teams: db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(teams.name).all(),
      };
    },
  };
}
