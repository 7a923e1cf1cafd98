import type { DeployJobData, DeployRequest } from '../../src/core/deploy/deploy-job.ts';

/** `/aci create -n web --image web:v1` as job data: az's defaults, no IP address. */
export const webRequest: DeployRequest = {
  name: 'web',
  image: { repository: 'web', tag: 'v1', text: 'web:v1' },
  cpu: 1,
  memoryInGB: 1.5,
  ports: [80],
  protocol: 'TCP',
  restartPolicy: 'Always',
  environmentVariables: [],
  secureEnvironmentVariables: [],
};

/** A new deploy job of `request` to prod (subscription 1111…, resource group rg, West Europe). */
export function deployJobData(request: DeployRequest = webRequest): DeployJobData {
  return {
    jobId: 'j000000000001',
    requesterId: 'U0REQ',
    teamId: 'T0',
    channelId: 'C0',
    environment: 'prod',
    queuedAt: '2026-11-28T10:00:00.000Z',
    target: {
      subscriptionId: '11111111-1111-1111-1111-111111111111',
      resourceGroup: 'rg',
      location: 'westeurope',
      name: request.name,
      registry: 'contosoprod',
    },
    request,
    progress: { phase: 'new' },
  };
}
