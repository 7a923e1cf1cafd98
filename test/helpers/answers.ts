/** Finding the private answers the product sends on response_urls, for the end-to-end tests. */
import type { RecordedResponse } from '../emulators/slack/index.ts';
import type { Harness } from './harness.ts';

export interface AnswerBody {
  response_type: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  text: string;
  blocks?: { type: string; elements?: { action_id?: string; value?: string }[] }[];
}

export type Answer = RecordedResponse & { body: AnswerBody };

/** The private answer of job `jobId` (its footer names the job); waits for it. */
export async function privateAnswer(h: Harness, jobId: string, timeoutMs = 20_000): Promise<Answer> {
  const found = await h.slack
    .waitFor(
      () =>
        h.slack.responses.find(
          (r) => (r.body as AnswerBody).response_type === 'ephemeral' && Array.isArray((r.body as AnswerBody).blocks) && JSON.stringify(r.body).includes(jobId),
        ),
      timeoutMs,
    )
    .catch((err: unknown) => {
      throw new Error(
        `no private answer for ${jobId}; responses: ${JSON.stringify(h.slack.responses).slice(0, 2000)}; errors: ${h.logs
          .filter((l) => l.includes('"level":50'))
          .slice(-3)
          .join('\n')}`,
        { cause: err },
      );
    });
  return found as Answer;
}

/** The answer as one string, to look for content in. */
export function answerText(answer: { body: unknown }): string {
  return JSON.stringify(answer.body);
}

/** The value of the answer's Share in channel button, if it has one. */
export function shareButtonOf(answer: { body: unknown }): string | undefined {
  const blocks = (answer.body as AnswerBody).blocks ?? [];
  return blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'answer.share')?.value;
}

/** Runs a slash command and returns the job id named in its ack. */
export async function ask(
  h: Harness,
  text: string,
  opts: { command?: string; userId: string; channelId: string; responseUrl?: string },
): Promise<{ jobId: string; ack: string }> {
  const res = await h.command(text, opts);
  const ack = res.json?.text ?? res.text;
  const jobId = /`(j[0-9a-z]{12})`/.exec(ack)?.[1];
  if (!jobId) throw new Error(`no job id in the ack of ${text}: ${ack}`);
  return { jobId, ack };
}
