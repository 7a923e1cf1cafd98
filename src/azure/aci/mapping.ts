import type { ContainerGroup, Event as AciEvent } from '@azure/arm-containerinstance';
import type { ContainerGroupEvent, ContainerGroupSpec, ContainerGroupView, PortSpec } from '../../core/deploy/ports.ts';

/** The port's plain spec as the SDK's `ContainerGroup` model. */
export function toContainerGroup(spec: ContainerGroupSpec): ContainerGroup {
  return {
    location: spec.location,
    osType: spec.osType,
    restartPolicy: spec.restartPolicy,
    containers: spec.containers.map((c) => ({
      name: c.name,
      image: c.image,
      resources: { requests: { cpu: c.cpu, memoryInGB: c.memoryInGB } },
      ...(c.ports.length > 0 && { ports: c.ports.map(toPort) }),
      environmentVariables: c.environmentVariables.map((e) => ({
        name: e.name,
        ...(e.value !== undefined && { value: e.value }),
        ...(e.secureValue !== undefined && { secureValue: e.secureValue }),
      })),
      ...(c.command && { command: c.command }),
    })),
    ...(spec.ipAddress && {
      ipAddress: {
        type: spec.ipAddress.type,
        ports: spec.ipAddress.ports.map(toPort),
        ...(spec.ipAddress.dnsNameLabel && { dnsNameLabel: spec.ipAddress.dnsNameLabel }),
      },
    }),
    ...(spec.imageRegistryCredentials && {
      imageRegistryCredentials: spec.imageRegistryCredentials.map((c) =>
        'identity' in c ? { server: c.server, identity: c.identity } : { server: c.server, username: c.username, password: c.password },
      ),
    }),
    ...(spec.subnetIds && { subnetIds: spec.subnetIds.map((id) => ({ id })) }),
    ...(spec.identity?.length && {
      identity: { type: 'UserAssigned', userAssignedIdentities: Object.fromEntries(spec.identity.map((id) => [id, {}])) },
    }),
  };
}

function toPort(p: PortSpec): PortSpec {
  return { port: p.port, ...(p.protocol && { protocol: p.protocol }) };
}

/**
 * What a person may see of a group. Built field by field rather than spread, so secure
 * environment values or registry passwords can never leak into a view, whatever Azure returns.
 */
export function toView(group: ContainerGroup): ContainerGroupView {
  const events: ContainerGroupEvent[] = (group.instanceView?.events ?? []).map((e) => toEvent(e));
  for (const c of group.containers ?? []) {
    for (const e of c.instanceView?.events ?? []) events.push(toEvent(e, c.name));
  }
  events.sort((a, b) => (a.time?.getTime() ?? 0) - (b.time?.getTime() ?? 0));
  return {
    ...(group.id && { id: group.id }),
    name: group.name ?? '',
    ...(group.provisioningState && { provisioningState: group.provisioningState }),
    ...(group.instanceView?.state && { state: group.instanceView.state }),
    ...(group.ipAddress?.ip && { ip: group.ipAddress.ip }),
    ...(group.ipAddress?.fqdn && { fqdn: group.ipAddress.fqdn }),
    ports: (group.ipAddress?.ports ?? []).map((p) => toPort({ port: p.port, ...(isProtocol(p.protocol) && { protocol: p.protocol }) })),
    events,
    containers: (group.containers ?? []).map((c) => {
      const current = c.instanceView?.currentState;
      const requests = c.resources?.requests;
      return {
        name: c.name,
        image: c.image,
        ...(current?.state && { state: current.state }),
        ...(current?.detailStatus && { detailStatus: current.detailStatus }),
        ...(current?.exitCode !== undefined && { exitCode: current.exitCode }),
        ...(c.instanceView?.restartCount !== undefined && { restartCount: c.instanceView.restartCount }),
        ...(requests && { cpu: requests.cpu, memoryInGB: requests.memoryInGB }),
        ...(requests?.gpu && { gpu: `${requests.gpu.count} ${requests.gpu.sku}` }),
      };
    }),
    ...(group.osType && { osType: group.osType }),
    ...(group.restartPolicy && { restartPolicy: group.restartPolicy }),
    ...(group.ipAddress && isIpAddressType(group.ipAddress.type) && { ipAddressType: group.ipAddress.type }),
    ...(group.subnetIds && { subnetIds: group.subnetIds.map((s) => s.id) }),
  };
}

function isIpAddressType(t: string | undefined): t is 'Public' | 'Private' {
  return t === 'Public' || t === 'Private';
}

function toEvent(e: AciEvent, container?: string): ContainerGroupEvent {
  const time = e.lastTimestamp ?? e.firstTimestamp;
  return {
    ...(time && { time }),
    ...(e.type && { type: e.type }),
    ...(e.name && { name: e.name }),
    ...(e.message && { message: e.message }),
    ...(e.count !== undefined && { count: e.count }),
    ...(container !== undefined && { container }),
  };
}

function isProtocol(p: string | undefined): p is 'TCP' | 'UDP' {
  return p === 'TCP' || p === 'UDP';
}
