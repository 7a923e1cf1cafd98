import type { JobCard } from '../card.ts';
import type { Mrkdwn } from '../mrkdwn.ts';

/** Where a job's thread is: its card's message. */
export interface ThreadLocation {
  channelId: string;
  ts: string;
}

/** A job's card and thread as the outbox holds them (the same card the channel shows). */
export interface JobCards {
  cardOf(jobId: string): Promise<{ card?: JobCard; thread?: ThreadLocation }>;
}

/** The jobs each person started, newest first, kept as long as finished jobs are (a week). */
export interface UserJobs {
  record(userId: string, jobId: string, queuedAt: string): Promise<void>;
  recent(userId: string, limit: number): Promise<string[]>;
}

/** Someone who opened the App Home, and from which workspace. */
export interface HomeViewer {
  userId: string;
  teamId: string;
  /** The app the event came to (`api_app_id`), checked like every request's. */
  apiAppId?: string;
  /** ISO time they last opened it. */
  openedAt: string;
}

/** Who has opened the App Home lately: only their Homes are worth publishing. */
export interface HomeViewers {
  opened(viewer: HomeViewer): Promise<void>;
  viewer(userId: string): Promise<HomeViewer | undefined>;
  /** Everyone who opened it within the retention window. */
  viewers(now: Date): Promise<HomeViewer[]>;
}

/** The answer to someone's last click on their Home (it has no thread to reply in). */
export interface HomeNotices {
  setNotice(userId: string, text: Mrkdwn): Promise<void>;
  notice(userId: string): Promise<Mrkdwn | undefined>;
}

/**
 * Asks for Home tabs to be published again. Implementations debounce per person, so callers
 * ask as often as things change.
 */
export interface HomeRefresh {
  /** One person's Home (a job of theirs changed, they clicked something). */
  user(userId: string): Promise<void>;
  /** Everyone's: something more than one person may see changed (an approval, a deploy, the credentials). */
  everyone(): Promise<void>;
}
