import type { GroupMembers } from '../access/group-members.ts';

/**
 * Whether `userId` is one of `approvers` (user ids, or user groups resolved now, briefly
 * cached by `groups`). A group that cannot be read approves nobody.
 */
export async function isApprover(userId: string, approvers: readonly string[], groups: GroupMembers): Promise<boolean> {
  if (approvers.includes(userId)) return true;
  for (const group of approvers.filter((a) => a.startsWith('S'))) {
    const members = await groups.membersOf(group).catch(() => new Set<string>());
    if (members.has(userId)) return true;
  }
  return false;
}
