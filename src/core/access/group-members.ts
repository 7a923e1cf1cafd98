/**
 * Membership of Slack user groups, as the access policy needs it. The Slack adapter is
 * `SlackGroupMembers` (src/slack/usergroup-members.ts); tests use an in-memory fake.
 */
export interface GroupMembers {
  /**
   * The user ids in group `groupId` (an `S…` id).
   * @throws when membership cannot be determined (Slack error, unknown group); the policy then
   * counts the group as empty for that check, so a failure never grants anything.
   */
  membersOf(groupId: string): Promise<ReadonlySet<string>>;
}
