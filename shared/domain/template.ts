/**
 * Fills `{{name}}` variables of a canned reply. Unknown or missing variables stay
 * visible as 【name】 and are reported, so the agent fills them before sending
 * (e.g. an appointment time the replica does not know).
 */
export function fillTemplate(template: string, vars: Record<string, string>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_m, name: string) => {
    const v = vars[name];
    if (v !== undefined && v !== '') return v;
    if (!missing.includes(name)) missing.push(name);
    return `【${name}】`;
  });
  return { text, missing };
}
