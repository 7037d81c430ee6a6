/**
 * The scope rule of shared/sync/rules.ts `canSee`, in SQL (a property test keeps
 * the two in agreement). Parameters: @u = user id, @sup = 1 for supervisor/admin.
 */
export const MY_CONVERSATIONS_CTE = `
WITH my_teams(team_id) AS (SELECT team_id FROM team_members WHERE user_id = @u),
my_convs(id, contact_id) AS (
  SELECT id, contact_id FROM conversations
  WHERE assignee_id = @u
     OR (team_id IN (SELECT team_id FROM my_teams) AND (assignee_id IS NULL OR @sup = 1))
)`;

/**
 * Which change-log rows a user may receive (with MY_CONVERSATIONS_CTE):
 * rows addressed to them (scope revokes); untagged rows (directory, knowledge,
 * rules); rows of a conversation they see; contact-level rows (contact,
 * identities, readings) of a contact one of their conversations belongs to.
 * Scope is evaluated NOW, not when the change was made: docs/sync.md explains
 * why that is safe together with scope-refresh snapshots and revokes.
 */
export const VISIBLE_CHANGE = `(
  c.audience_user_id = @u
  OR (c.audience_user_id IS NULL AND (
       (c.conversation_id IS NULL AND c.contact_id IS NULL)
    OR (c.conversation_id IS NOT NULL AND c.conversation_id IN (SELECT id FROM my_convs))
    OR (c.conversation_id IS NULL AND c.contact_id IN (SELECT contact_id FROM my_convs))
  ))
)`;
