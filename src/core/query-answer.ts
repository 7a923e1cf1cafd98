import type { CardField } from './card.ts';
import { md, type Mrkdwn } from './mrkdwn.ts';

/**
 * What a read-only query found, as plain data. Jobs (and `/ops job`) produce it; the Slack
 * layer shows it to the person who asked and nobody else, with a **Share in channel** button.
 * Channels stay for what changes Azure: lookups nobody else asked for do not fill them.
 */
export interface QueryAnswer {
  /** What was asked, e.g. "Runs of contosodev". */
  title: string;
  environment: string;
  /** The finding in one sentence: "The 5 most recent runs:", "No runs with status Failed." */
  summary: Mrkdwn;
  /** Facts as label/value pairs (a registry, a container group); at most 10 are shown. */
  fields?: CardField[];
  /** Fixed-width text (a table, a log): shown in the message when short, else sent as a file. */
  text?: AnswerText;
  links?: { label: string; url: string }[];
  /** Set when the query failed; `summary` says what went wrong. A failure is not offered for sharing. */
  failure?: { hint: string };
}

export interface AnswerText {
  /** File name when it goes out as a file, e.g. `runs-contosodev.txt`. */
  filename: string;
  title: string;
  content: string;
  /** Which end matters when it has to be cut: a list's head, a log's tail. @defaultValue 'head' */
  keep?: 'head' | 'tail';
}

/** Who asked, where, and what for: enough to answer them and to re-check a Share click. */
export interface Asker {
  userId: string;
  teamId: string;
  channelId: string;
  /** The command's response_url (30 minutes, 5 posts). Without one, or past it, the answer goes to a DM. */
  responseUrl?: string;
  /** The access-policy action the question was authorised for, e.g. `acr.runs`. */
  action: string;
}

/** Sends answers to the person who asked, privately. It never posts them in the channel. */
export interface PrivateAnswers {
  /** `answerId` names the answer for a later Share click (a job id, or one derived from the trigger). */
  deliver(answerId: string, to: Asker, answer: QueryAnswer): Promise<void>;
}

/** An answer kept so that Share in channel can post exactly what its asker saw. */
export interface StoredAnswer {
  answer: QueryAnswer;
  asker: Asker;
  /** ISO time it was answered. */
  at: string;
}

/** Answers offered for sharing, for a limited time. */
export interface AnswerStore {
  put(answerId: string, stored: StoredAnswer): Promise<void>;
  get(answerId: string): Promise<StoredAnswer | undefined>;
  /**
   * Records that `userId` shares the answer, unless someone already did: one public copy per
   * answer, however many clicks. Returns who shared it first.
   */
  claimShare(answerId: string, userId: string): Promise<{ first: boolean; by: string }>;
  /** Undoes a claim whose public post failed, so the button can be used again. */
  releaseShare(answerId: string): Promise<void>;
}

/** The answer to a query that failed: what went wrong and what to do next. */
export function failedAnswer(title: string, environment: string, failure: { text: string; hint: string }): QueryAnswer {
  return { title, environment, summary: md`${failure.text}`, failure: { hint: failure.hint } };
}

/** "1 run" / "3 runs": the count and the noun in agreement. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
