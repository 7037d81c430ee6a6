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

/**
 * A version of a row the reader need not be sent: a plain put (no \`prev\`: a put
 * with \`prev\` tells the client about an event — status, assignment, tags — that
 * becomes a timeline entry, so it always goes) that is neither the first version
 * of its row in this run of pulls (after @from) nor the last (a newer put follows
 * by @head). The first one stays so a row's children never arrive before it; the
 * last one brings the current state. Each inbound message re-puts its
 * conversation: without this an initial sync carried every version.
 * Both the earlier and the newer put must carry the same conversation and contact
 * tags and be addressed to everyone or to this reader, so the reader sees (or saw)
 * them exactly when it sees this one. Probes use the (entity, entity_id) index,
 * whose implicit rowid is the seq.
 */
export const SUPERSEDED_CHANGE = `(
  c.op = 'put' AND c.prev IS NULL AND c.entity IN ('conversation', 'message', 'contact')
  AND EXISTS (
    SELECT 1 FROM change_log n INDEXED BY change_log_entity
    WHERE n.entity = c.entity AND n.entity_id = c.entity_id AND n.seq > c.seq AND n.seq <= @head AND n.op = 'put'
      AND n.conversation_id IS c.conversation_id AND n.contact_id IS c.contact_id
      AND (n.audience_user_id IS NULL OR n.audience_user_id = @u)
  )
  AND EXISTS (
    SELECT 1 FROM change_log e INDEXED BY change_log_entity
    WHERE e.entity = c.entity AND e.entity_id = c.entity_id AND e.seq > @from AND e.seq < c.seq AND e.op = 'put'
      AND e.conversation_id IS c.conversation_id AND e.contact_id IS c.contact_id
      AND (e.audience_user_id IS NULL OR e.audience_user_id = @u)
  )
)`;
