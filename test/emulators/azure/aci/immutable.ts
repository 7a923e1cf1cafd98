/**
 * What ACI refuses to change on an existing container group. Source: learn.microsoft.com,
 * "Update containers in Azure Container Instances", section "Properties that require container
 * delete" (OS type; CPU, memory or GPU resources; restart policy; network profile). A property
 * left out of the PUT takes its default, so omitting one that was set at creation counts as a
 * change (MicrosoftDocs/azure-docs#38067; Azure/aci-deploy#56 for cpu, memory, restart policy).
 */
import { badRequest } from '../arm-errors.ts';
import type { Reply } from '../http.ts';
import type { ContainerGroupWire } from './types.ts';

/** One property that differs, as `property: before → after`. */
export type ImmutableDifference = string;

/** The values ACI compares, with the defaults ARM applies to omitted ones. */
function immutableValues(body: ContainerGroupWire): Map<string, string> {
  const props = body.properties;
  const values = new Map<string, string>();
  values.set('osType', props.osType);
  // Default 'Always': learn.microsoft.com, container-instances-restart-policy ("the default policy").
  values.set('restartPolicy', props.restartPolicy ?? 'Always');
  // The IP address type (Public, Private or none): assumed immutable like the network profile; a
  // DNS label added to a group without one was refused this way in MicrosoftDocs/azure-docs#37604.
  values.set('ipAddress.type', props.ipAddress?.type ?? 'none');
  // The network profile is the subnet (subnetIds since api 2021-07-01, networkProfile before).
  const subnets = [...(props.subnetIds ?? []).map((s) => s.id.toLowerCase())].sort().join(',');
  values.set('subnetIds', subnets || (props.networkProfile?.id.toLowerCase() ?? 'none'));
  // Resources per container; adding or removing a container changes the group's resources (assumed).
  for (const c of props.containers) {
    const { cpu, memoryInGB, gpu } = c.properties.resources.requests;
    values.set(`containers[${c.name}].cpu`, String(cpu));
    values.set(`containers[${c.name}].memoryInGB`, String(memoryInGB));
    values.set(`containers[${c.name}].gpu`, gpu ? `${gpu.count} ${gpu.sku}` : 'none');
  }
  return values;
}

/** The immutable properties `after` would change on a group deployed as `before`. */
export function immutableDifferences(before: ContainerGroupWire, after: ContainerGroupWire): ImmutableDifference[] {
  const was = immutableValues(before);
  const will = immutableValues(after);
  const keys = new Set([...was.keys(), ...will.keys()]);
  return [...keys].filter((k) => was.get(k) !== will.get(k)).map((k) => `${k}: ${was.get(k) ?? 'none'} → ${will.get(k) ?? 'none'}`);
}

/**
 * ARM's refusal, quoted in MicrosoftDocs/azure-docs#37604 and #38067; the code
 * `InvalidContainerGroupUpdate` is from a published deployment log of the same message. HTTP 400
 * is assumed (ACI's other PUT validation errors are 400).
 */
export function invalidContainerGroupUpdate(name: string): Reply {
  return badRequest(
    'InvalidContainerGroupUpdate',
    `The updates on container group '${name}' are invalid. If you are going to update the os type, restart policy, network profile, CPU, memory or GPU resources for a container group, you must delete it first and then create a new one.`,
  );
}
