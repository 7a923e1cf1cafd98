import { createHash } from 'node:crypto';
import type { DeployJobData, DeployPlan, Replacement } from './deploy-job.ts';

/**
 * The plan of a deploy: the request with its image pinned to `digest` at `loginServer`, the
 * target from config, how the image is pulled, and whether the live group is replaced. The hash
 * covers all of it, so an approval is for this plan and nothing else.
 */
export function makePlan(data: DeployJobData, resolved: { loginServer: string; digest: string }, pull: DeployPlan['pull'], replaces?: Replacement): DeployPlan {
  const { request } = data;
  const plan: Omit<DeployPlan, 'hash'> = {
    target: data.target,
    image: `${resolved.loginServer}/${request.image.repository}@${resolved.digest}`,
    loginServer: resolved.loginServer,
    repository: request.image.repository,
    ...(request.image.tag !== undefined && { tag: request.image.tag }),
    digest: resolved.digest,
    cpu: request.cpu,
    memoryInGB: request.memoryInGB,
    // As az: ports are exposed on an IP address, so a group without one exposes none.
    ports: request.ipAddress === undefined ? [] : request.ports,
    protocol: request.protocol,
    ...(request.ipAddress !== undefined && { ipAddress: request.ipAddress }),
    ...(request.dnsNameLabel !== undefined && { dnsNameLabel: request.dnsNameLabel }),
    restartPolicy: request.restartPolicy,
    environmentVariables: request.environmentVariables,
    secureEnvironmentVariables: request.secureEnvironmentVariables,
    ...(request.commandLine !== undefined && { commandLine: request.commandLine }),
    ...(request.subnet !== undefined && { subnet: request.subnet }),
    pull,
    ...(replaces && { replaces }),
  };
  return { ...plan, hash: planHash(plan) };
}

/** sha256 of the plan's canonical JSON (keys sorted at every level). */
export function planHash(plan: Omit<DeployPlan, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(plan)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
