/**
 * One container group and its life. Each deploy, start or restart is a {@link Phase}: Pulling at
 * its start, Pulled at half its duration, Created at three quarters, Started (Running) at the
 * end. Like ACR runs, the state is computed from the clock whenever someone looks, so there are
 * no timers and what a poller sees at time t is what a real sequence of events would show.
 * The phase timings are test controls; the states and events follow recording_containergroups_create_test.json
 * (Azure/azure-sdk-assets, real ACI) except where a line says "assumed".
 */
import type { AciFailure, ContainerGroupWire } from './types.ts';

/** A deploy (PUT), start or restart, and how long until its containers run. */
export interface Phase {
  kind: 'deploy' | 'start' | 'restart';
  at: number;
  durationMs: number;
  /** The deployment fails with this (deploy phases only). */
  failure?: AciFailure;
}

/** A container group as the emulator keeps it. */
export interface EmulatedGroup {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  id: string;
  /** The last accepted PUT body, secrets (`secureValue`, registry passwords) removed. */
  spec: ContainerGroupWire;
  /** Every phase so far, oldest first; the last one is current. */
  phases: Phase[];
  /** Set by `stop`, cleared by `start`. */
  stoppedAt?: number;
  /** The public (or private) IP, stable for the group's life. */
  ip: string;
  /** Set when the group is deleted, so pending operations on it end as Canceled. */
  deletedAt?: number;
}

/** A container instance event (`instanceView.events[]`). */
export interface EventJson {
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  name: string;
  message: string;
  type: 'Normal' | 'Warning';
}

/** The current phase (every group has at least one). */
export function currentPhase(group: EmulatedGroup): Phase {
  return group.phases.at(-1)!;
}

/** Whether the current phase is over at `now`. */
export function phaseDone(phase: Phase, now: number): boolean {
  return now >= phase.at + phase.durationMs;
}

/** `properties.provisioningState` at `now`: Pending, then Succeeded (recording); `Creating` half-way is assumed. */
export function provisioningState(group: EmulatedGroup, now: number): 'Pending' | 'Creating' | 'Succeeded' | 'Failed' {
  const phase = currentPhase(group);
  // A restart keeps the group provisioned; deploy and start provision it again (assumed).
  if (phase.kind === 'restart') return 'Succeeded';
  if (!phaseDone(phase, now)) return now < phase.at + phase.durationMs / 2 ? 'Pending' : 'Creating';
  return phase.failure ? 'Failed' : 'Succeeded';
}

/** `properties.instanceView.state` at `now`: Pending, then Running (recording); Stopped after stop (assumed). */
export function groupState(group: EmulatedGroup, now: number): 'Pending' | 'Running' | 'Stopped' | 'Failed' {
  if (group.stoppedAt !== undefined) return 'Stopped';
  const phase = currentPhase(group);
  if (!phaseDone(phase, now)) return 'Pending';
  return phase.failure ? 'Failed' : 'Running';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function event(at: number, name: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): EventJson {
  return { count: 1, firstTimestamp: iso(at), lastTimestamp: iso(at), name, message, type };
}

/**
 * The events of one container in one phase, up to `until`: Pulling, Pulled, Started with the
 * recording's messages; `Created`, `Killing` and the pull failure's `Failed` are assumed.
 */
function phaseEvents(phase: Phase, image: string, until: number): EventJson[] {
  const d = phase.durationMs;
  const all: EventJson[] = [];
  if (phase.kind === 'restart') all.push(event(phase.at, 'Killing', 'Killing container with id restart.'));
  all.push(event(phase.at, 'Pulling', `pulling image "${image}"`));
  if (phase.failure?.code === 'InaccessibleImage') {
    all.push(event(phase.at + d / 2, 'Failed', `Failed to pull image "${image}": ${phase.failure.message}`, 'Warning'));
  } else if (!phase.failure) {
    all.push(event(phase.at + d / 2, 'Pulled', `Successfully pulled image "${image}"`));
    all.push(event(phase.at + (3 * d) / 4, 'Created', 'Created container'));
    all.push(event(phase.at + d, 'Started', 'Started container'));
  }
  return all.filter((e) => Date.parse(e.firstTimestamp) <= until);
}

/** A container's events at `now`: every phase's, each cut off where the next phase began. */
export function containerEvents(group: EmulatedGroup, image: string, now: number): EventJson[] {
  const events = group.phases.flatMap((phase, i) => phaseEvents(phase, image, Math.min(now, group.phases[i + 1]?.at ?? Infinity)));
  if (group.stoppedAt !== undefined) events.push(event(group.stoppedAt, 'Killing', 'Killing container because the container group was stopped.'));
  return events;
}

/** Whether the container processes are running at `now` (what logs and restarts need). */
export function isRunning(group: EmulatedGroup, now: number): boolean {
  return groupState(group, now) === 'Running';
}

/** `containers[].properties.instanceView` at `now`. */
function containerInstanceView(group: EmulatedGroup, image: string, now: number): object {
  const phase = currentPhase(group);
  // Restarts since the last deployment; a new PUT starts the count again.
  const lastDeploy = group.phases.findLastIndex((p) => p.kind === 'deploy');
  const restartCount = group.phases.slice(lastDeploy + 1).filter((p) => p.kind === 'restart').length;
  const startTime = iso(phase.at + phase.durationMs);
  let currentState: object;
  if (group.stoppedAt !== undefined) {
    currentState = { state: 'Terminated', startTime, finishTime: iso(group.stoppedAt), exitCode: 0, detailStatus: 'Completed' };
  } else if (phaseDone(phase, now) && !phase.failure) {
    currentState = { state: 'Running', startTime, detailStatus: '' };
  } else {
    const waiting = phase.failure?.code === 'InaccessibleImage' && now >= phase.at + phase.durationMs / 2;
    currentState = { state: 'Waiting', detailStatus: waiting ? 'ErrImagePull' : '' };
  }
  return { restartCount, currentState, events: containerEvents(group, image, now) };
}

/**
 * The group as ACI's GET returns it (api 2023-05-01 wire shape). `withInstanceView: false` gives
 * the list form, which leaves out instance views.
 */
export function groupJson(group: EmulatedGroup, now: number, withInstanceView = true): object {
  const { spec } = group;
  const state = provisioningState(group, now);
  const ip = spec.properties.ipAddress;
  const provisioned = state === 'Succeeded';
  const containers = spec.properties.containers.map((c) => ({
    name: c.name,
    properties: {
      ...c.properties,
      ...(withInstanceView && { instanceView: containerInstanceView(group, c.properties.image, now) }),
    },
  }));
  // Pull failures show on the container; other failures (capacity, quota…) on the group
  // (ContainerGroupsGet_Failed.json has a group-level Warning event).
  const phase = currentPhase(group);
  const failure = phaseDone(phase, now) ? phase.failure : undefined;
  const groupEvents = failure && failure.code !== 'InaccessibleImage' ? [event(phase.at + phase.durationMs, failure.code, failure.message, 'Warning')] : [];
  return {
    id: group.id,
    name: group.name,
    type: 'Microsoft.ContainerInstance/containerGroups',
    location: spec.location,
    ...(spec.tags && { tags: spec.tags }),
    ...(spec.identity !== undefined && { identity: spec.identity }),
    ...(spec.zones && { zones: spec.zones }),
    properties: {
      sku: 'Standard',
      ...spec.properties,
      provisioningState: state,
      containers,
      initContainers: spec.properties.initContainers ?? [],
      ...(ip && {
        ipAddress: {
          ...ip,
          // ACI reports the address once the group is provisioned; the FQDN is known from the PUT on (assumed).
          // FQDN form `<label>.<region>.azurecontainer.io`: learn.microsoft.com, container-instances-quickstart.
          ...(provisioned && { ip: group.ip }),
          ...(ip.dnsNameLabel && { fqdn: `${ip.dnsNameLabel}.${spec.location.toLowerCase().replace(/\s/g, '')}.azurecontainer.io` }),
        },
      }),
      ...(withInstanceView && { instanceView: { events: groupEvents, state: groupState(group, now) } }),
    },
  };
}

/**
 * The PUT body as stored: write-only secrets removed, the way GET leaves them out (registry
 * `password` is x-ms-secret in containerInstance.json; secure variables show without their value:
 * learn.microsoft.com, container-instances-environment-variables, "Secure values").
 */
export function withoutSecrets(body: ContainerGroupWire): ContainerGroupWire {
  const copy = structuredClone(body);
  for (const c of copy.properties.containers) {
    for (const v of c.properties.environmentVariables ?? []) delete v.secureValue;
  }
  for (const cred of copy.properties.imageRegistryCredentials ?? []) delete cred.password;
  return copy;
}
