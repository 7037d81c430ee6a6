import { z } from 'zod';
import { domain, method } from './define';
import { idSchema, roleSchema } from '../domain/types';

export { roleSchema, type Role } from '../domain/types';


export const usersDomain = domain('users', {
  list: method(
    'Colleagues and teams this user can assign or transfer to.',
    z.object({}).strict(),
    z.object({
      me: z.object({ id: z.string(), displayName: z.string(), role: roleSchema, teamIds: z.array(z.string()) }),
      users: z.array(z.object({ id: idSchema, displayName: z.string(), role: roleSchema, teamIds: z.array(z.string()) })),
      teams: z.array(z.object({ id: idSchema, name: z.string() })),
    }),
  ),
});
