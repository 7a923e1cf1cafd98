import type { ContainerGroupRef } from '../core/deploy/container-group.ts';
import { groupKey, type GroupLocks } from '../core/deploy/deploy-job.ts';
import { RedisStore } from './redis-store.ts';

const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
return holder
`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * One change at a time per container group. The lock expires by itself (the holder refreshes
 * it at every step), so a job that died for good cannot block the group forever.
 */
export class RedisGroupLocks extends RedisStore implements GroupLocks {
  async acquire(target: ContainerGroupRef, jobId: string, ttlMs: number): Promise<{ acquired: true } | { acquired: false; holder: string }> {
    const holder = (await this.redis.eval(ACQUIRE, 1, `${this.prefix}:aci-lock:${groupKey(target)}`, jobId, String(ttlMs))) as string;
    return holder === jobId ? { acquired: true } : { acquired: false, holder };
  }
  async release(target: ContainerGroupRef, jobId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, `${this.prefix}:aci-lock:${groupKey(target)}`, jobId);
  }
}
