/** ACI state shared by the routes and `AciEmulator`: groups, recorded PUTs, operations, logs. */
import { resourceNotFound } from '../arm-errors.ts';
import type { ArmScopes } from '../arm.ts';
import type { Reply } from '../http.ts';
import { hexOf } from '../ids.ts';
import type { EmulatedGroup, Phase } from './group.ts';
import { withoutSecrets } from './group.ts';
import type { AciFailure, ContainerGroupWire } from './types.ts';

/** How long ACI work takes (milliseconds). */
export interface AciTiming {
  /** PUT until the containers run (and the create LRO ends). */
  provisionMs: number;
  /** `start` of a stopped group until its containers run. */
  startMs: number;
  /** `restart` until the containers run again (the call itself returns at once). */
  restartMs: number;
}

/** One PUT the emulator received, exactly as sent (secure values included). */
export interface AciPut {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  body: unknown;
  at: Date;
  /** The status the emulator answered. */
  status: number;
}

/** An accepted deploy or start, polled through `Azure-AsyncOperation`. */
export interface AciOperation {
  id: string;
  group: EmulatedGroup;
  phase: Phase;
}

export const GROUP_TYPE = 'Microsoft.ContainerInstance/containerGroups';

function key(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${subscriptionId}/${resourceGroup}/${name}`.toLowerCase();
}

/** A stable, plausible IPv4 address for a group (assumed: ACI keeps it across updates, not guaranteed). */
function addressFor(seed: string, type: string | undefined): string {
  const [a, b, c] = [0, 2, 4].map((i) => parseInt(hexOf(seed, 6).slice(i, i + 2), 16)) as [number, number, number];
  return type === 'Private' ? `10.0.${a}.${Math.max(4, c)}` : `20.${a}.${b}.${Math.max(1, c)}`;
}

/** What the ACI routes and `AciEmulator` share; not part of the test-facing API. */
export class AciStore {
  readonly timing: AciTiming;
  readonly scopes: ArmScopes;
  /** Groups per list page before a `nextLink`. */
  pageSize = 100;
  /** Where an image from a registry that is not allowed fails: at PUT (400) or during the deployment. */
  imageFailsAt: 'put' | 'deploy' = 'put';
  readonly groups = new Map<string, EmulatedGroup>();
  readonly puts: AciPut[] = [];
  readonly operations = new Map<string, AciOperation>();
  /** Registry hosts (lower case) whose images ACI can pull. */
  readonly pullable = new Set<string>();
  /** Group name (lower case) → failures for its next deployments, in order. */
  readonly failures = new Map<string, AciFailure[]>();
  /** `group/container` (lower case) → log text. */
  readonly logs = new Map<string, string>();

  constructor(scopes: ArmScopes, timing: AciTiming) {
    this.scopes = scopes;
    this.timing = timing;
  }

  /** The group at an ARM path, or ARM's 404 (subscription, resource group or group). */
  resolve(subscriptionId: string, resourceGroup: string, name: string): EmulatedGroup | Reply {
    const missingScope = this.scopes.check(subscriptionId, resourceGroup);
    if (missingScope) return missingScope;
    return this.groups.get(key(subscriptionId, resourceGroup, name)) ?? resourceNotFound(GROUP_TYPE, name, resourceGroup);
  }

  /** Finds a group by resource group and name in any subscription. */
  find(resourceGroup: string, name: string): EmulatedGroup | undefined {
    return [...this.groups.values()].find((g) => g.resourceGroup.toLowerCase() === resourceGroup.toLowerCase() && g.name.toLowerCase() === name.toLowerCase());
  }

  /** Takes the scripted failure for the next deployment of `name`, if any. */
  takeFailure(name: string): AciFailure | undefined {
    const queue = this.failures.get(name.toLowerCase());
    const failure = queue?.shift();
    if (queue && queue.length === 0) this.failures.delete(name.toLowerCase());
    return failure;
  }

  /** Creates or replaces a group from an accepted PUT and starts its deployment. */
  deploy(init: { subscriptionId: string; resourceGroup: string; name: string; body: ContainerGroupWire; failure?: AciFailure; now: number }): {
    group: EmulatedGroup;
    created: boolean;
  } {
    const k = key(init.subscriptionId, init.resourceGroup, init.name);
    const existing = this.groups.get(k);
    const phase: Phase = { kind: 'deploy', at: init.now, durationMs: this.timing.provisionMs, ...(init.failure && { failure: init.failure }) };
    const spec = withoutSecrets(init.body);
    if (existing) {
      existing.spec = spec;
      existing.phases.push(phase);
      delete existing.stoppedAt;
      return { group: existing, created: false };
    }
    const group: EmulatedGroup = {
      subscriptionId: init.subscriptionId,
      resourceGroup: init.resourceGroup,
      name: init.name,
      id: `/subscriptions/${init.subscriptionId}/resourceGroups/${init.resourceGroup}/providers/${GROUP_TYPE}/${init.name}`,
      spec,
      phases: [phase],
      ip: addressFor(k, spec.properties.ipAddress?.type),
    };
    this.groups.set(k, group);
    return { group, created: true };
  }

  /** Removes a group; its pending operations end as Canceled. */
  remove(group: EmulatedGroup, now: number): void {
    group.deletedAt = now;
    this.groups.delete(key(group.subscriptionId, group.resourceGroup, group.name));
  }

  /** The log text of a container (`''` when none was set). */
  logText(group: string, container: string): string {
    return this.logs.get(`${group}/${container}`.toLowerCase()) ?? '';
  }
}
