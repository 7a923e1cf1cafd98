import type { ContainerGroupView } from './container-group.ts';
import type { DeployPlan, ImmutableChange } from './deploy-job.ts';

/** What a plan sets of the properties ACI cannot change in place. */
type Shape = Pick<DeployPlan, 'cpu' | 'memoryInGB' | 'restartPolicy' | 'ipAddress' | 'subnet'> & { target: { name: string } };

/** ARM's value for a restart policy the group was created without. */
const defaultRestartPolicy = 'Always';

function ipAddressText(type: 'Public' | 'Private' | undefined): string {
  return type === undefined ? 'none' : type.toLowerCase();
}

function subnetText(ids: readonly string[] | undefined): string {
  return ids?.length ? ids.map((id) => id.split('/').slice(-3).join('/')).join(', ') : 'none';
}

/**
 * The properties ACI refuses to change in place (learn.microsoft.com, "Update containers in Azure
 * Container Instances", "Properties that require container delete": OS type, CPU, memory, GPU,
 * restart policy, network profile; plus the IP address type) that deploying `plan` over the live
 * group would change. A property the plan leaves out takes its default, so a GPU or a sidecar
 * container of the live group counts as changed too. Empty: the PUT can update the group.
 */
export function immutableChanges(live: ContainerGroupView, plan: Shape): ImmutableChange[] {
  const changes: ImmutableChange[] = [];
  const add = (property: string, from: string, to: string) => {
    // ARM ids and enum values compare case-insensitively.
    if (from.toLowerCase() !== to.toLowerCase()) changes.push({ property, from, to });
  };
  // The plan always sends Linux (toContainerGroupSpec).
  add('OS type', live.osType ?? 'Linux', 'Linux');
  const ours = live.containers.find((c) => c.name === plan.target.name);
  if (ours) {
    if (ours.cpu !== undefined) add('CPU', String(ours.cpu), String(plan.cpu));
    if (ours.memoryInGB !== undefined) add('memory', `${ours.memoryInGB} GB`, `${plan.memoryInGB} GB`);
    if (ours.gpu !== undefined) add('GPU', ours.gpu, 'none');
  } else {
    add(`container ${plan.target.name}`, 'none', `${plan.cpu} CPU · ${plan.memoryInGB} GB`);
  }
  for (const other of live.containers.filter((c) => c.name !== plan.target.name)) {
    add(`container ${other.name}`, `${other.cpu ?? '?'} CPU · ${other.memoryInGB ?? '?'} GB`, 'removed');
  }
  add('restart policy', live.restartPolicy ?? defaultRestartPolicy, plan.restartPolicy);
  add('IP address', ipAddressText(live.ipAddressType), ipAddressText(plan.ipAddress));
  add('subnet', subnetText(live.subnetIds), subnetText(plan.subnet === undefined ? undefined : [plan.subnet]));
  return changes;
}

/** `CPU: 1 → 2`. */
export function describeChange(change: ImmutableChange): string {
  return `${change.property}: ${change.from} → ${change.to}`;
}
