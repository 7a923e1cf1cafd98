import type { ContainerGroupRef } from '../../core/deploy/ports.ts';

/**
 * What `beginDeploy` hands the job to persist. `poller` is core-lro's own serialized state
 * (`poller.toString()`), which the SDK accepts back as `resumeFrom`. The ref travels with it
 * because the SDK fills the final GET's path template from the resumed call's arguments, not
 * from the state. `failed` covers a deployment that already failed on the SDK's first poll,
 * before there was a poller to serialize.
 */
export interface DeployToken {
  v: 1;
  ref: ContainerGroupRef;
  poller?: string;
  failed?: { code?: string; message: string };
}

export function encodeDeployToken(token: DeployToken): string {
  return JSON.stringify(token);
}

export function decodeDeployToken(text: string): DeployToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TypeError('Not an ACI deploy resume token.');
  }
  const t = parsed as Partial<DeployToken> | null;
  const ref = t?.ref;
  if (
    t?.v !== 1 ||
    !ref ||
    typeof ref.subscriptionId !== 'string' ||
    typeof ref.resourceGroup !== 'string' ||
    typeof ref.name !== 'string' ||
    (typeof t.poller !== 'string' && !t.failed)
  ) {
    throw new TypeError('Not an ACI deploy resume token.');
  }
  return t as DeployToken;
}
