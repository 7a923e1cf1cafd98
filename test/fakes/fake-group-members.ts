import type { GroupMembers } from '../../src/core/access/group-members.ts';

/** In-memory {@link GroupMembers}: groups set by the test, some made to fail, calls counted. */
export class FakeGroupMembers implements GroupMembers {
  readonly calls: string[] = [];
  readonly #groups = new Map<string, ReadonlySet<string>>();
  readonly #failing = new Set<string>();

  constructor(groups: Record<string, readonly string[]> = {}) {
    for (const [id, users] of Object.entries(groups)) this.set(id, users);
  }

  set(groupId: string, userIds: readonly string[]): void {
    this.#groups.set(groupId, new Set(userIds));
  }

  /** Makes every lookup of `groupId` fail, as a Slack error would. */
  fail(groupId: string): void {
    this.#failing.add(groupId);
  }

  async membersOf(groupId: string): Promise<ReadonlySet<string>> {
    this.calls.push(groupId);
    if (this.#failing.has(groupId)) throw new Error(`usergroups.users.list failed for ${groupId}`);
    const members = this.#groups.get(groupId);
    if (!members) throw new Error(`no_such_subteam: ${groupId}`);
    return members;
  }
}
