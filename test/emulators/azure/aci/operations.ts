/**
 * ACI's asynchronous operations: the `Azure-AsyncOperation` status document a create or start
 * is polled through, and the `Location` operation result. Both are computed from the phase they
 * follow, so polling needs no timers. Shape and URL of the status document: Azure/azure-sdk-assets
 * recording_containergroups_create_test.json (`{id, status, startTime, properties.events}`).
 */
import { armError } from '../arm-errors.ts';
import { empty, json } from '../http.ts';
import type { Reply } from '../http.ts';
import { guid } from '../ids.ts';
import { containerEvents, currentPhase, phaseDone } from './group.ts';
import type { EmulatedGroup, Phase } from './group.ts';
import type { AciOperation, AciStore } from './store.ts';

/** api-version in the operation URLs ACI hands out (the recordings show 2018-06-01). */
const OPERATION_API = '2018-06-01';

function locationOf(group: EmulatedGroup): string {
  return group.spec.location.toLowerCase().replace(/\s/g, '');
}

/** `Azure-AsyncOperation` URL of an operation. */
export function asyncOperationUrl(baseUrl: string, op: AciOperation): string {
  return `${baseUrl}/subscriptions/${op.group.subscriptionId}/providers/Microsoft.ContainerInstance/locations/${locationOf(op.group)}/operations/${op.id}?api-version=${OPERATION_API}`;
}

/** `Location` URL of an operation (its result, 202 until done, then 204). */
export function operationResultUrl(baseUrl: string, op: AciOperation): string {
  return `${baseUrl}/subscriptions/${op.group.subscriptionId}/providers/Microsoft.ContainerInstance/locations/${locationOf(op.group)}/operationResults/${op.id}?api-version=${OPERATION_API}`;
}

/** Registers an operation following `group`'s current phase. */
export function startOperation(store: AciStore, group: EmulatedGroup): AciOperation {
  const op: AciOperation = { id: guid(), group, phase: currentPhase(group) };
  store.operations.set(op.id, op);
  return op;
}

type OperationStatus = 'Pending' | 'Creating' | 'Succeeded' | 'Failed' | 'Canceled';

/**
 * The status of an operation at `now`: Pending until done, then Succeeded (recording); `Creating`
 * half-way, `Failed` with `error`, and `Canceled` for superseded work are assumed.
 */
export function operationStatus(op: AciOperation, now: number): OperationStatus {
  const { phase, group } = op;
  const end = phase.at + phase.durationMs;
  // Deleted, or replaced (new PUT, stop, start) before it finished: the work was abandoned.
  const supersededAt = group.deletedAt ?? nextChangeAfter(group, phase);
  if (supersededAt !== undefined && supersededAt < end && now >= supersededAt) return 'Canceled';
  if (!phaseDone(phase, now)) return now < phase.at + phase.durationMs / 2 ? 'Pending' : 'Creating';
  return phase.failure ? 'Failed' : 'Succeeded';
}

function nextChangeAfter(group: EmulatedGroup, phase: Phase): number | undefined {
  const index = group.phases.indexOf(phase);
  const next = group.phases[index + 1]?.at;
  const stopped = group.stoppedAt !== undefined && group.stoppedAt >= phase.at ? group.stoppedAt : undefined;
  const candidates = [next, stopped].filter((t): t is number => t !== undefined);
  return candidates.length ? Math.min(...candidates) : undefined;
}

/** `GET …/locations/{loc}/operations/{id}`: the status document. */
export function operationStatusReply(store: AciStore, operationId: string, now: number): Reply {
  const op = store.operations.get(operationId);
  if (!op) return armError(404, 'OperationNotFound', `The operation '${operationId}' could not be found.`);
  const status = operationStatus(op, now);
  const end = op.phase.at + op.phase.durationMs;
  const first = op.group.spec.properties.containers[0];
  return json(200, {
    id: op.group.id,
    name: op.id,
    status,
    startTime: new Date(op.phase.at).toISOString(),
    ...(status === 'Succeeded' || status === 'Failed' ? { endTime: new Date(end).toISOString() } : {}),
    properties: { events: first ? containerEvents(op.group, first.properties.image, now) : [] },
    ...(status === 'Failed' && op.phase.failure ? { error: { code: op.phase.failure.code, message: op.phase.failure.message } } : {}),
    ...(status === 'Canceled'
      ? { error: { code: 'Canceled', message: 'The operation was canceled because the container group changed or was deleted.' } }
      : {}),
  });
}

/** `GET …/locations/{loc}/operationResults/{id}`: 202 + `Location` while running, 204 after (assumed: ARM's usual Location pattern). */
export function operationResultReply(store: AciStore, operationId: string, baseUrl: string, now: number): Reply {
  const op = store.operations.get(operationId);
  if (!op) return armError(404, 'OperationNotFound', `The operation '${operationId}' could not be found.`);
  const status = operationStatus(op, now);
  if (status === 'Pending' || status === 'Creating') return empty(202, { Location: operationResultUrl(baseUrl, op) });
  if (status === 'Succeeded') return empty(204);
  const failure = op.phase.failure ?? { code: 'Canceled', message: 'The operation was canceled.' };
  return armError(400, failure.code, failure.message);
}
