/**
 * The synchronous checks ACI makes on a container group PUT before accepting it (HTTP 400 with
 * ARM's envelope). Which fields are required comes from containerInstance.json (api 2023-05-01);
 * the codes and wording are assumed (modelled on ACI's naming) except where a line cites a source.
 */
import { badRequest } from '../arm-errors.ts';
import type { Reply } from '../http.ts';
import type { ContainerGroupWire } from './types.ts';

/** ACI's rule for group and container names: DNS-label-like, lower case, 1–63 characters (message assumed). */
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** 400 `ContainerGroupNameInvalid` unless `name` is a valid container group name. */
export function checkGroupName(name: string): Reply | undefined {
  if (name.length <= 63 && NAME.test(name)) return undefined;
  return badRequest(
    'ContainerGroupNameInvalid',
    `The container group name '${name}' is invalid. The container group name must contain no more than 63 characters and must match the regex '[a-z0-9]([-a-z0-9]*[a-z0-9])?' (e.g. 'my-name').`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as a container group, or the 400 ACI answers for the first problem found. */
export function checkGroupBody(body: unknown): ContainerGroupWire | Reply {
  if (!isObject(body) || !isObject(body.properties)) {
    return badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  }
  if (typeof body.location !== 'string' || !body.location) return badRequest('LocationRequired', 'The location property is required for this definition.');
  const props = body.properties;
  if (typeof props.osType !== 'string') return badRequest('InvalidRequestContent', "The 'osType' property is required.");
  const containers = props.containers;
  if (!Array.isArray(containers) || containers.length === 0)
    return badRequest('NoContainersInContainerGroup', 'The container group must contain at least one container.');
  const seen = new Set<string>();
  for (const c of containers as unknown[]) {
    if (!isObject(c) || typeof c.name !== 'string' || !isObject(c.properties))
      return badRequest('InvalidRequestContent', 'Each container needs a name and properties.');
    if (!NAME.test(c.name) || c.name.length > 63) {
      return badRequest(
        'InvalidContainerName',
        `The container name '${c.name}' in container group is invalid. It must match the regex '[a-z0-9]([-a-z0-9]*[a-z0-9])?'.`,
      );
    }
    if (seen.has(c.name)) return badRequest('DuplicateContainerName', `The container name '${c.name}' is duplicated in the container group.`);
    seen.add(c.name);
    if (typeof c.properties.image !== 'string' || !c.properties.image)
      return badRequest('InvalidContainerImage', `The image of container '${c.name}' is required.`);
    const requests = isObject(c.properties.resources) ? c.properties.resources.requests : undefined;
    if (!isObject(requests) || typeof requests.cpu !== 'number' || typeof requests.memoryInGB !== 'number') {
      return badRequest('InvalidRequestContent', `The resource requests (cpu, memoryInGB) of container '${c.name}' are required.`);
    }
    if (requests.gpu !== undefined && (!isObject(requests.gpu) || typeof requests.gpu.count !== 'number' || typeof requests.gpu.sku !== 'string')) {
      return badRequest('InvalidRequestContent', `The GPU request of container '${c.name}' needs a count and a sku.`);
    }
  }
  const subnets = props.subnetIds;
  if (subnets !== undefined && (!Array.isArray(subnets) || !subnets.every((s) => isObject(s) && typeof s.id === 'string'))) {
    return badRequest('InvalidRequestContent', 'Each subnetIds entry needs an id.');
  }
  const profile = props.networkProfile;
  if (profile !== undefined && !(isObject(profile) && typeof profile.id === 'string'))
    return badRequest('InvalidRequestContent', 'The networkProfile needs an id.');
  const ip = props.ipAddress;
  if (ip !== undefined) {
    if (!isObject(ip) || (ip.type !== 'Public' && ip.type !== 'Private') || !Array.isArray(ip.ports)) {
      return badRequest('InvalidIpAddressType', "The IP address needs a type ('Public' or 'Private') and ports.");
    }
    // A DNS label belongs to a public address (containerInstance.json IpAddress.dnsNameLabel; code assumed).
    if (ip.dnsNameLabel !== undefined && ip.type !== 'Public') {
      return badRequest('DnsNameLabelNotSupported', 'The DNS name label can only be set with a Public IP address type.');
    }
  }
  return body as unknown as ContainerGroupWire;
}

/**
 * The registry host of an image reference, as Docker resolves it: the first path segment when it
 * looks like a host (has `.` or `:`, or is `localhost`), else Docker Hub (distribution/reference, `splitDockerDomain`).
 */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) return first.toLowerCase();
  return 'docker.io';
}

/** ACI's `InaccessibleImage` failure for `image` in `group` (code and wording: learn.microsoft.com, container-instances-troubleshooting). */
export function inaccessibleImage(image: string, group: string): { code: string; message: string } {
  return {
    code: 'InaccessibleImage',
    message: `The image '${image}' in container group '${group}' is not accessible. Please check the image and registry credential.`,
  };
}
