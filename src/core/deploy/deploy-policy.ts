import type { Environment } from '../environments.ts';
import type { DeployRequest } from './deploy-job.ts';

/**
 * The IP address a request gets, as `az container create` decides it (Azure/azure-cli,
 * `container/custom.py`, `_create_ip_address`): public with `--ip-address Public` or a DNS label,
 * private in a subnet, otherwise none at all.
 */
export function effectiveIpAddress(request: Pick<DeployRequest, 'ipAddress' | 'dnsNameLabel' | 'subnet'>): 'Public' | 'Private' | undefined {
  if (request.ipAddress) return request.ipAddress;
  if (request.dnsNameLabel !== undefined) return 'Public';
  return request.subnet !== undefined ? 'Private' : undefined;
}

/**
 * What the environment's `policy` forbids in this request, checked before anything is queued
 * (and again by the worker once the image's login server is known). `undefined` = allowed.
 */
export function policyProblem(environment: string, env: Pick<Environment, 'policy'>, request: DeployRequest): { text: string; hint: string } | undefined {
  if (!env.policy.publicIp && request.ipAddress === 'Public') {
    return {
      text: `${environment} does not allow container groups with a public IP address.`,
      hint: 'Deploy into a virtual network instead: --ip-address Private --subnet <subnet resource id> (and no --dns-name-label).',
    };
  }
  const host = request.image.registry?.toLowerCase();
  if (host !== undefined) return registryProblem(environment, env, host);
  return undefined;
}

/** Whether images may come from `loginServer` in this environment. */
export function registryProblem(environment: string, env: Pick<Environment, 'policy'>, loginServer: string): { text: string; hint: string } | undefined {
  const allowed = env.policy.allowedRegistries;
  if (allowed === undefined || allowed.includes(loginServer.toLowerCase())) return undefined;
  return {
    text: `${environment} only runs images from ${allowed.join(', ')}, not from ${loginServer}.`,
    hint: `Push the image to ${allowed[0]} (for example with /acr build) and deploy it from there.`,
  };
}
