/**
 * Every fake the tests use, one import away. Each implements its port exactly (no casts to fit
 * it); a method a test does not set up throws `NotFakedError` instead of answering something.
 * Integration and e2e tests use the real adapters against the emulators instead.
 */
export { FakeAcrTasks } from './acr-tasks.ts';
export { FakeApplications } from './applications.ts';
export { FakeApprovals } from './approvals.ts';
export { FakeAudit } from './audit.ts';
export { configFromYaml } from './config.ts';
export { FakeContainerGroups } from './container-groups.ts';
export { deployJobData, webRequest } from './deploy-job-data.ts';
export { FakeAcr, FakeCancels, FakeClaims, FakeReporter, Woke, fakeContext } from './fake-acr.ts';
export { FakeGroupMembers } from './fake-group-members.ts';
export { MemoryRotationClaims } from './memory-rotation-claims.ts';
export { NotFakedError, notFaked } from './not-faked.ts';
export { FakePrivateAnswers } from './private-answers.ts';
export { FakeRegistryAdmin } from './registry-admin.ts';
export { FakeRegistryTags } from './registry-tags.ts';
export { FakeRegistryTokens } from './registry-tokens.ts';
export { FakeVault } from './vault.ts';
