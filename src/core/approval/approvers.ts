import type { GroupMembers } from '../access/group-members.ts';

/**
 * Whether `userId` is one of `approvers` (user ids, or user groups resolved now, briefly
 * cached by `groups`). All groups are asked at once, so a slow Slack costs one look-up's
 * time, not one per group. A group that cannot be read approves nobody.
 */
export async function isApprover(userId: string, approvers: readonly string[], groups: GroupMembers): Promise<boolean> {
  if (approvers.includes(userId)) return true;
  const members = await Promise.all(approvers.filter((a) => a.startsWith('S')).map((group) => groups.membersOf(group).catch(() => new Set<string>())));
  return members.some((m) => m.has(userId));
}
