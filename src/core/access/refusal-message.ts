/**
 * The words of access refusals. Each says what is missing and what to do about it, because
 * "not allowed" alone sends people to guess (or to ask in the wrong place).
 */
import { escapeMrkdwn, md, mention, type Mrkdwn } from '../mrkdwn.ts';
import type { Role } from './roles.ts';

const channelIdPattern = /^[CG][A-Z0-9]{2,20}$/;

/** A `<#C…>` channel link for a validated channel id; anything else is shown escaped. */
export function channelMention(channelId: string): Mrkdwn {
  return { mrkdwn: channelIdPattern.test(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId) };
}

/** Joins already-safe pieces; nothing is escaped twice and nothing unescaped gets in. */
function join(parts: readonly Mrkdwn[], separator: string): Mrkdwn {
  return { mrkdwn: parts.map((p) => p.mrkdwn).join(separator) };
}

/** Who grants roles: the admins of chatops.yaml, mentioned so they are one click away. */
export function whoGrants(admins: readonly string[]): Mrkdwn {
  if (admins.length === 0) {
    return md`No admins are listed in chatops.yaml (access.admins) yet, so ask whoever runs the bot to add you.`;
  }
  return md`Roles are granted by the admins listed in chatops.yaml (access.admins): ${join(admins.map(mention), ', ')}.`;
}

/** What {@link missingRoleMessage} needs to know. */
export interface MissingRoleFacts {
  role: Role;
  /** Absent for actions asked without an environment; only admins pass those. */
  environment?: string;
  /** Completes "to ___", e.g. `deploy containers`. */
  what: string;
  /** The action concerns something another user started (someone else's job). */
  othersThing?: boolean;
  admins: readonly string[];
  /** Groups that would have given the role but whose members could not be read. */
  unresolvedGroups?: readonly string[];
}

/** "You need the *deployer* role in *prod* to deploy containers. Roles are granted by …" */
export function missingRoleMessage(facts: MissingRoleFacts): Mrkdwn {
  const where = facts.environment === undefined ? md`` : md` in *${facts.environment}*`;
  const whose = facts.othersThing ? ' that someone else started' : '';
  const parts = [md`:lock: You need the *${facts.role}* role${where} to ${facts.what}${whose}.`, whoGrants(facts.admins)];
  const unresolved = facts.unresolvedGroups ?? [];
  if (unresolved.length > 0) {
    // Named by id, not `<!subteam^…>`, so a refusal never pings a whole group.
    parts.push(
      md`(I couldn't check the members of Slack user group ${unresolved.join(', ')} just now, so grants through it weren't counted; try again in a minute.)`,
    );
  }
  return join(parts, ' ');
}

/** "*prod* commands are only accepted in <#C0PROD> …" */
export function channelNotAllowedMessage(environment: string, channels: readonly string[]): Mrkdwn {
  return md`:lock: *${environment}* commands are only accepted in ${join(channels.map(channelMention), ', ')}, so the whole team sees them. Please run it there.`;
}

/** The refusal of a request from another workspace or app. */
export function foreignWorkspaceMessage(): Mrkdwn {
  return md`:lock: This bot only takes commands from its own Slack workspace and app, so it can't run this one.`;
}
