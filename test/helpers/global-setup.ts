import { redisReachable, startOwnRedis, type OwnRedis } from './redis-server.ts';

let own: OwnRedis | undefined;

/**
 * Tests use the machine's Redis (REDIS_URL or 127.0.0.1:6379) on a database of their own
 * (TEST_REDIS_URL); when none answers they start a private redis-server from PATH.
 */
export async function setup(): Promise<void> {
  if (process.env.CHATOPS_EMULATOR_TRUST !== '1') {
    throw new Error('Run the tests with `npm test`: it creates the emulator CA and trusts it through NODE_EXTRA_CA_CERTS.');
  }
  const base = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await redisReachable(base)) {
    const url = new URL(base);
    url.pathname = '/9';
    process.env.TEST_REDIS_URL = url.toString();
    return;
  }
  own = await startOwnRedis();
  process.env.TEST_REDIS_URL = `${own.url}/9`;
}

export async function teardown(): Promise<void> {
  await own?.stop();
}
