/** Redis key prefix for every BullMQ queue and every key this app owns. */
export const keyPrefix = 'chatops';

export const QueueName = {
  /** Azure work: builds, cancellations, and later deploys and rotations. */
  Jobs: 'jobs',
  /** Slack writes produced by jobs, sent by the bot side. */
  SlackOutbox: 'slack-outbox',
} as const;
