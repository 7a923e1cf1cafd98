import type { WebClient } from '@slack/web-api';
import { formatAuditLines } from '../../audit/format-audit.ts';
import type { OpsAuditCommand } from '../../core/commands/index.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { openDirectMessage } from '../direct-message.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { authorize, type CommandContext } from './context.ts';

/** Events shown per page; past what fits in one message the page is sent as a file instead. */
export const auditPageSize = 50;
const maxInlineChars = 2800;

/**
 * `/ops audit`: admins only (in the named environment, or global admins without `--env`).
 * Newest first, paged with `--page <cursor>`; a long page goes to the admin's DM as a file,
 * never to the channel.
 */
export async function opsAudit(
  ctx: CommandContext,
  parsed: OpsAuditCommand,
  client: WebClient,
): Promise<{ reply: EphemeralReply; after?: () => Promise<void> }> {
  await authorize(ctx, 'ops.audit', parsed.environment);
  const { command } = ctx;
  const filter = {
    ...(parsed.user && { actor: parsed.user }),
    ...(parsed.environment && { environment: parsed.environment }),
    ...(parsed.action && { action: parsed.action }),
    ...(parsed.since && { since: new Date(ctx.now().getTime() - parsed.since.ms) }),
  };
  const page = await ctx.audit.query(filter, { limit: auditPageSize, ...(parsed.cursor && { cursor: parsed.cursor }) });
  await ctx.audit.record({
    actor: command.user_id,
    action: 'admin.audit.query',
    outcome: 'succeeded',
    ...(parsed.environment && { environment: parsed.environment }),
    details: { results: page.events.length, filter: JSON.stringify({ ...filter, since: parsed.since?.text }) },
  });
  if (page.events.length === 0) return { reply: ephemeral('No audit events match.') };
  const lines = formatAuditLines(page.events);
  const more = page.nextCursor ? `\nOlder events: \`/ops audit … --page ${page.nextCursor}\` (same filters).` : '';
  const text = lines.join('\n');
  if (text.length <= maxInlineChars) {
    return { reply: ephemeral(`Audit log, newest first (${page.events.length}):\n\`\`\`${escapeMrkdwn(text)}\`\`\`${more}`) };
  }
  return {
    reply: ephemeral(`${page.events.length} audit events, newest first: I'm sending them to you as a file in our DM.${more}`),
    // After the ack: the DM and the upload are Web API calls.
    after: async () => {
      const dm = await openDirectMessage(client, command.user_id);
      await client.filesUploadV2({
        channel_id: dm,
        initial_comment: 'Audit log export (newest first):',
        filename: 'audit.txt',
        title: 'Audit log',
        content: text,
      });
    },
  };
}
