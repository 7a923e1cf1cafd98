import { invalid, shown, valid, type Validation } from './result.ts';

// Slack ids are a type letter then capitals and digits. The length range is the one
// src/core/mrkdwn.ts trusts for mentions (real ids are 9–11 characters today, but Slack
// promises no length). Users: U, or W on Enterprise Grid; user groups: S; channels: C
// (public), G (private and old group DMs), D (DMs).
const BODY = '[A-Z0-9]{2,20}';
const USER = new RegExp(`^[UW]${BODY}$`);
const USERGROUP = new RegExp(`^S${BODY}$`);
const CHANNEL = new RegExp(`^[CGD]${BODY}$`);

// The mention tokens that unescapeSlackText (src/core/commands/slack-text.ts) leaves in command
// text, so a command can take `@alice` or `#general` as typed.
const USER_MENTION = /^<@([^<>|]*)(?:\|[^<>]*)?>$/;
const USERGROUP_MENTION = /^<!subteam\^([^<>|]*)(?:\|[^<>]*)?>$/;
const CHANNEL_MENTION = /^<#([^<>|]*)(?:\|[^<>]*)?>$/;

/** Checks a Slack user id (`U…`, `W…`) or a user mention `<@U…>`; returns the bare id. */
export function validateSlackUserId(text: string): Validation<string> {
  return check(text, USER_MENTION, USER, 'Slack user ids are U or W followed by capitals and digits, e.g. U024BE7LH or a mention like @alice');
}

/** Checks a Slack user group id (`S…`) or a group mention `<!subteam^S…>`; returns the bare id. */
export function validateSlackUsergroupId(text: string): Validation<string> {
  return check(text, USERGROUP_MENTION, USERGROUP, 'Slack user group ids are S followed by capitals and digits, e.g. S0614TZR7 or a mention like @oncall');
}

/** Checks a Slack channel id (`C…`, `G…`, `D…`) or a channel mention `<#C…>`; returns the bare id. */
export function validateSlackChannelId(text: string): Validation<string> {
  return check(text, CHANNEL_MENTION, CHANNEL, 'Slack channel ids are C, G or D followed by capitals and digits, e.g. C024BE91L or a mention like #general');
}

function check(text: string, mention: RegExp, id: RegExp, rule: string): Validation<string> {
  const bare = mention.exec(text)?.[1] ?? text;
  if (id.test(bare)) return valid(bare);
  // Ids copied through a lowercasing tool; the fix is plain.
  const upper = bare.toUpperCase();
  const hint = upper !== bare && id.test(upper) ? `; did you mean ${shown(upper)}?` : '';
  return invalid(`${rule} (got ${shown(text)})${hint === '' ? '.' : hint}`);
}
