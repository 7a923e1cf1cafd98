import type { ContainerGroupSpec, PortSpec, RegistryCredentialSpec } from './container-group.ts';
import type { DeployPlan } from './deploy-job.ts';

/**
 * The PUT body of a plan, with the secret values read from Key Vault just now. The result
 * holds secrets: it is handed to the ACI adapter and never stored, logged or shown.
 */
export function toContainerGroupSpec(plan: DeployPlan, secrets: { env: ReadonlyMap<string, string>; pullPassword?: string }): ContainerGroupSpec {
  const ports: PortSpec[] = plan.ports.map((port) => ({ port, protocol: plan.protocol }));
  const credentials: RegistryCredentialSpec[] = [];
  if ('identity' in plan.pull) credentials.push({ server: plan.loginServer, identity: plan.pull.identity });
  if ('username' in plan.pull && secrets.pullPassword !== undefined) {
    credentials.push({ server: plan.loginServer, username: plan.pull.username, password: secrets.pullPassword });
  }
  return {
    location: plan.target.location,
    osType: 'Linux',
    restartPolicy: plan.restartPolicy,
    containers: [
      {
        // As `az container create` does: one container, named like its group.
        name: plan.target.name,
        image: plan.image,
        cpu: plan.cpu,
        memoryInGB: plan.memoryInGB,
        ports,
        environmentVariables: [
          ...plan.environmentVariables.map((v) => ({ name: v.name, value: v.value })),
          ...plan.secureEnvironmentVariables.map((v) => ({ name: v.name, secureValue: secrets.env.get(v.name) ?? '' })),
        ],
        ...(plan.commandLine !== undefined && { command: plan.commandLine }),
      },
    ],
    ...(plan.ipAddress !== undefined && {
      ipAddress: { type: plan.ipAddress, ports, ...(plan.dnsNameLabel !== undefined && { dnsNameLabel: plan.dnsNameLabel }) },
    }),
    ...(credentials.length > 0 && { imageRegistryCredentials: credentials }),
    ...(plan.subnet !== undefined && { subnetIds: [plan.subnet] }),
    ...('identity' in plan.pull && { identity: [plan.pull.identity] }),
  };
}
