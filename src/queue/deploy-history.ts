import type { ContainerGroupRef } from '../core/deploy/container-group.ts';
import { groupKey, type DeployHistory, type DeployRecord } from '../core/deploy/deploy-job.ts';
import { RedisStore } from './redis-store.ts';

// KEYS[2] keeps each group's newest deploy under its key, so "the last deploy of every group" is one read.
const RECORD = `
local head = redis.call('LINDEX', KEYS[1], 0)
if head and cjson.decode(head).jobId == ARGV[2] then return 0 end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, 19)
redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
return 1
`;

/** The last 20 successful deploys of each container group, newest first. */
export class RedisDeployHistory extends RedisStore implements DeployHistory {
  #latestKey(): string {
    return `${this.prefix}:aci-deploys:latest`;
  }
  async record(target: ContainerGroupRef, entry: DeployRecord): Promise<void> {
    // A retried job must not record itself twice.
    await this.redis.eval(RECORD, 2, `${this.prefix}:aci-deploys:${groupKey(target)}`, this.#latestKey(), JSON.stringify(entry), entry.jobId, groupKey(target));
  }
  async removed(target: ContainerGroupRef): Promise<void> {
    await this.redis.hdel(this.#latestKey(), groupKey(target));
  }
  /** The newest deploy of every container group deployed so far (and not deleted since). */
  async latest(): Promise<DeployRecord[]> {
    return Object.values(await this.redis.hgetall(this.#latestKey())).map((r) => JSON.parse(r) as DeployRecord);
  }
  async list(target: ContainerGroupRef): Promise<DeployRecord[]> {
    const raw = await this.redis.lrange(`${this.prefix}:aci-deploys:${groupKey(target)}`, 0, -1);
    return raw.map((r) => JSON.parse(r) as DeployRecord);
  }
}
