import type { Redis } from 'ioredis';
import type { ContainerGroupRef } from '../core/deploy/container-group.ts';
import { groupKey, type DeployHistory, type DeployRecord } from '../core/deploy/deploy-job.ts';
import { defaultKeyPrefix } from './names.ts';

const RECORD = `
local head = redis.call('LINDEX', KEYS[1], 0)
if head and cjson.decode(head).jobId == ARGV[2] then return 0 end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, 19)
return 1
`;

/** The last 20 successful deploys of each container group, newest first. */
export class RedisDeployHistory implements DeployHistory {
  readonly #redis: Redis;
  readonly #prefix: string;
  constructor(redis: Redis, prefix = defaultKeyPrefix) {
    this.#redis = redis;
    this.#prefix = prefix;
  }
  async record(target: ContainerGroupRef, entry: DeployRecord): Promise<void> {
    // A retried job must not record itself twice.
    await this.#redis.eval(RECORD, 1, `${this.#prefix}:aci-deploys:${groupKey(target)}`, JSON.stringify(entry), entry.jobId);
  }
  async list(target: ContainerGroupRef): Promise<DeployRecord[]> {
    const raw = await this.#redis.lrange(`${this.#prefix}:aci-deploys:${groupKey(target)}`, 0, -1);
    return raw.map((r) => JSON.parse(r) as DeployRecord);
  }
}
