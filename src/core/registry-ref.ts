/** Identifies one container registry in ARM. */
export interface RegistryRef {
  subscriptionId: string;
  resourceGroup: string;
  registry: string;
}

/** Portal deep link to a resource; the portal base comes from config so sovereign clouds work. */
export function portalResourceUrl(portal: string, resourceId: string): string {
  return `${portal}/#resource${resourceId}`;
}

export function registryResourceId(ref: RegistryRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${ref.registry}`;
}
