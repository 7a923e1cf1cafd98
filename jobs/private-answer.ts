import { failedAnswer, type PrivateAnswers, type QueryAnswer } from '../src/core/query-answer.ts';
import { retryIfItMayPass } from './step-runner.ts';
import type { StepRun } from './step-runner.ts';

/** Who asked a read-only question, from the job's data. */
export interface Asker {
  jobId: string;
  requesterId: string;
  teamId: string;
  channelId: string;
  environment: string;
  responseUrl?: string | undefined;
}

/**
 * The answer of a read-only job, or what went wrong as the answer; what may pass with time
 * (Retry-After, a transient error while attempts remain) goes back to the queue instead.
 */
export async function answerOrFailure(
  run: StepRun<unknown>,
  ask: () => Promise<QueryAnswer>,
  failure: { title: string; environment: string; explain: (err: unknown) => { text: string; hint: string } },
): Promise<QueryAnswer> {
  try {
    return await ask();
  } catch (err) {
    await retryIfItMayPass(run, err);
    return failedAnswer(failure.title, failure.environment, failure.explain(err));
  }
}

/** To the requester alone. A delivery that fails (Slack down) fails the attempt: the retry asks Azure again, which only reads. */
export function deliverPrivately(answers: PrivateAnswers, asker: Asker, action: string, answer: QueryAnswer): Promise<void> {
  return answers.deliver(
    asker.jobId,
    { userId: asker.requesterId, teamId: asker.teamId, channelId: asker.channelId, ...(asker.responseUrl && { responseUrl: asker.responseUrl }), action },
    answer,
  );
}
