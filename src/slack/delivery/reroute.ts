import type { ThreadMessage } from '../../core/card.ts';

/** What a channel's refusal means for people, and what fixes it. */
export function channelRefusal(code: string, channelId: string): string {
  const channel = /^[CGD][A-Z0-9]+$/.test(channelId) ? `<#${channelId}>` : 'the channel';
  switch (code) {
    case 'not_in_channel':
      return `I can't post in ${channel}: I'm not a member. Invite me with \`/invite @azure-chatops\` there.`;
    case 'channel_not_found':
      return `I can't post in ${channel}: I can't see it (a private channel I'm not in, or one that was deleted). Invite me with \`/invite @azure-chatops\` there.`;
    case 'is_archived':
      return `I can't post in ${channel}: it is archived.`;
    default:
      return `Slack won't let me post in ${channel} (${code}).`;
  }
}

const userId = /^[UW][A-Z0-9]+$/;

/**
 * Who gets a job's card when its channel refuses it: the person who asked, or, for a job
 * nobody asked for (a scheduled alert), the admins.
 */
export function rerouteTargets(requesterId: string | undefined, admins: readonly string[]): { people: string[]; requested: boolean } {
  if (requesterId && userId.test(requesterId)) return { people: [requesterId], requested: true };
  return { people: admins.filter((a) => userId.test(a)), requested: false };
}

/** The first reply in the direct-message thread: why the card is here and not in its channel. */
export function rerouteNote(code: string, channelId: string, requested: boolean): ThreadMessage {
  const why = channelRefusal(code, channelId);
  const text = requested
    ? `${why} This job's card and replies continue here.`
    : `${why} Nobody asked for this job, so it comes to the admins; fix the channel so the next ones reach it.`;
  return { kind: 'note', text: { mrkdwn: text } };
}
