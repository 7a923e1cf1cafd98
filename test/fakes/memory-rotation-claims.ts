import type { RotationClaims } from '../../src/core/credentials/rotation-claims.ts';

/** Rotation claims in memory, with the Redis adapter's rules, for job tests without Redis. */
export class MemoryRotationClaims implements RotationClaims {
  readonly held = new Map<string, { jobId: string; claimedAt: number }>();

  async claim(credential: string, jobId: string, replacing?: string): Promise<{ jobId: string; claimedAt: number }> {
    const holder = this.held.get(credential);
    if (!holder || holder.jobId === jobId || holder.jobId === replacing) {
      const next = holder?.jobId === jobId ? holder : { jobId, claimedAt: Date.now() };
      this.held.set(credential, next);
      return next;
    }
    return holder;
  }

  async release(credential: string, jobId: string): Promise<void> {
    if (this.held.get(credential)?.jobId === jobId) this.held.delete(credential);
  }
}
