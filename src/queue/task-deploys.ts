import type { Redis } from 'ioredis';
import type { TaskDeployEntry, TaskDeploys } from '../core/task-watch/ports.ts';
import { defaultKeyPrefix } from './names.ts';

// Compare-and-set on the run's createTime (ISO strings of one format compare as text), so two
// runs finishing at once leave the newer one current whatever their order.
const OFFER = `
local old = redis.call('GET', KEYS[1])
if old then
  local o = cjson.decode(old)
  if o.runCreatedAt > ARGV[2] or o.jobId == ARGV[3] then return {0, old} end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
return {1, old or ''}
`;

/** Kept as long as jobs are (a week): long enough for any approval to expire. */
const ttlSeconds = 7 * 24 * 3600;

/** The current task-run deploy per container group, in Redis. */
export class RedisTaskDeploys implements TaskDeploys {
  readonly #redis: Redis;
  readonly #prefix: string;
  constructor(redis: Redis, prefix = defaultKeyPrefix) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  #key(groupKey: string): string {
    return `${this.#prefix}:task-deploy:${groupKey}`;
  }

  async offer(groupKey: string, entry: TaskDeployEntry): Promise<{ taken: true; previous?: TaskDeployEntry } | { taken: false; newer: TaskDeployEntry }> {
    const [taken, other] = (await this.#redis.eval(OFFER, 1, this.#key(groupKey), JSON.stringify(entry), entry.runCreatedAt, entry.jobId, ttlSeconds)) as [
      number,
      string,
    ];
    if (taken === 1) return other ? { taken: true, previous: JSON.parse(other) as TaskDeployEntry } : { taken: true };
    const stored = JSON.parse(other) as TaskDeployEntry;
    // The same job offered again (a retried build job): it is still the current one.
    return stored.jobId === entry.jobId ? { taken: true } : { taken: false, newer: stored };
  }

  async current(groupKey: string): Promise<TaskDeployEntry | undefined> {
    const text = await this.#redis.get(this.#key(groupKey));
    return text ? (JSON.parse(text) as TaskDeployEntry) : undefined;
  }
}
