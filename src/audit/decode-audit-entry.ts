import { AUDIT_OUTCOMES, type AuditEvent, type AuditOutcome } from '../core/audit.ts';

const OPTIONAL_STRINGS = ['environment', 'target', 'jobId', 'reason'] as const;

/**
 * The event stored in one stream entry's fields (`['e', json]`), or undefined when the entry
 * is not one of ours or is damaged. Only known fields are copied, so a hand-edited entry
 * cannot smuggle extra keys into a reply.
 */
export function decodeAuditEntry(fields: readonly string[]): AuditEvent | undefined {
  let json: string | undefined;
  // Field names and values alternate; look for `e` at name positions only.
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'e') json = fields[i + 1];
  if (json === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.at !== 'string' || typeof r.actor !== 'string' || typeof r.action !== 'string') return undefined;
  if (!AUDIT_OUTCOMES.includes(r.outcome as AuditOutcome)) return undefined;

  const event: AuditEvent = { at: r.at, actor: r.actor, action: r.action, outcome: r.outcome as AuditOutcome };
  for (const name of OPTIONAL_STRINGS) {
    const value = r[name];
    if (typeof value === 'string') event[name] = value;
  }
  if (typeof r.details === 'object' && r.details !== null && !Array.isArray(r.details)) {
    const details: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(r.details)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') details[k] = v;
    }
    event.details = details;
  }
  return event;
}
