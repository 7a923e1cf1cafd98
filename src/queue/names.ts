/**
 * The default Redis key prefix (CHATOPS_REDIS_PREFIX): every BullMQ queue and every key this
 * app owns starts with `<prefix>:`. Two installs sharing one Redis use two prefixes; on Redis
 * Cluster a prefix in braces (`{chatops}`) keeps every key of an install in one hash slot,
 * which BullMQ's scripts and ours (several keys per call) need.
 */
export const defaultKeyPrefix = 'chatops';

export const QueueName = {
  /** Azure work: builds, cancellations, and later deploys and rotations. */
  Jobs: 'jobs',
  /** Slack writes produced by jobs, sent by the bot side. */
  SlackOutbox: 'slack-outbox',
  /**
   * App Home publishes (`views.publish`). Apart from the outbox so that a refresh of every
   * viewer's Home never queues in front of cards, and the outbox backlog and delivery lag
   * measure cards and replies only.
   */
  SlackHome: 'slack-home',
} as const;
