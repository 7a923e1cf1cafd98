/** The playground's emulated Entra ID tenant: app registrations whose client secrets expire soon, later and much later. */
import type { AzureEmulator } from '../../test/emulators/azure/index.ts';

const DAY_MS = 86_400_000;

/**
 * What `/sp expiring` (within 30 days, the largest default threshold), `/sp list`, the admin's
 * App Home and the scheduled alert find. Half a day more than whole days, so each reads as its
 * number of days for the whole session (days left are rounded down).
 */
export const playgroundApps = [
  { displayName: 'build-pipeline', appId: '5eed0002-0000-4000-8000-00000000b002', secret: 'ci-2024', days: 2 },
  { displayName: 'web-deployer', appId: '5eed0010-0000-4000-8000-00000000d010', secret: 'release', days: 10 },
  { displayName: 'nightly-reports', appId: '5eed0040-0000-4000-8000-00000000e040', secret: 'reports', days: 40 },
] as const;

export function seedTenant(azure: AzureEmulator, tenantId: string): void {
  const now = Date.now();
  for (const app of playgroundApps) {
    azure.graph.addApplication({
      appId: app.appId,
      displayName: app.displayName,
      tenantId,
      passwordCredentials: [{ displayName: app.secret, startDateTime: new Date(now - 300 * DAY_MS), endDateTime: new Date(now + (app.days + 0.5) * DAY_MS) }],
    });
  }
}
