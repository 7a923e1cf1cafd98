/** AzureContainerGroups against the ACI emulator: deploy, persist, resume elsewhere, poll. */
import type { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AzureContainerGroups } from '../../../src/azure/aci/container-groups.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import type { ContainerGroupSpec, DeployPoll } from '../../../src/core/deploy/ports.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { rejection, startEmulator, subscription } from './setup.ts';

const rg = 'rg-deploy';
const loginServer = 'contosodev.azurecr.io';
const digestImage = `${loginServer}/web@sha256:${'a'.repeat(64)}`;

let azure: AzureEmulator;
let credential: ClientSecretCredential;

function adapter(): AzureContainerGroups {
  return new AzureContainerGroups({ credential, resourceManager: azure.url, updateIntervalInMs: 20 });
}

function spec(image = digestImage, label = 'chatops-web'): ContainerGroupSpec {
  return {
    location: 'westeurope',
    osType: 'Linux',
    restartPolicy: 'Always',
    containers: [
      {
        name: 'app',
        image,
        cpu: 1,
        memoryInGB: 1.5,
        ports: [{ port: 80, protocol: 'TCP' }],
        environmentVariables: [
          { name: 'PLAIN', value: 'x' },
          { name: 'SLACK_TOKEN', secureValue: 'xoxb-secret' },
        ],
      },
    ],
    imageRegistryCredentials: [{ server: loginServer, username: 'puller', password: 'pull-secret' }],
    ipAddress: { type: 'Public', ports: [{ port: 80, protocol: 'TCP' }], dnsNameLabel: label },
  };
}

/** Polls through fresh adapter instances, as a job resuming after each durable delay would. */
async function pollUntilDone(token: string): Promise<{ result: DeployPoll; steps: number }> {
  for (let steps = 1; steps <= 100; steps++) {
    const result = await adapter().pollDeploy(token);
    if (result.done) return { result, steps };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('deployment did not finish');
}

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  azure.aci.addResourceGroup(subscription, rg, 'westeurope');
  azure.aci.allowImagesFrom(loginServer);
  azure.aci.timing.provisionMs = 400;
  azure.aci.timing.startMs = 200;
  azure.aci.timing.restartMs = 100;
});
afterAll(() => azure?.close());
beforeEach(() => {
  azure.reset();
  azure.aci.reset();
  azure.aci.imageFailsAt = 'put';
});

describe('AzureContainerGroups deploy', () => {
  it('resumes a persisted token in a new adapter, sends exactly one PUT, and returns the view', async () => {
    const ref = { subscriptionId: subscription, resourceGroup: rg, name: 'web-resume' };
    const { resumeToken } = await adapter().beginDeploy(ref, spec(undefined, 'web-resume-label'));
    // What a job would persist: a string that survives a round trip and holds no secrets.
    const persisted = JSON.parse(JSON.stringify({ resumeToken })) as { resumeToken: string };
    expect(persisted.resumeToken).not.toContain('xoxb-secret');
    expect(persisted.resumeToken).not.toContain('pull-secret');

    const { result, steps } = await pollUntilDone(persisted.resumeToken);
    expect(steps).toBeGreaterThan(1); // 400 ms of provisioning: the first polls saw it running
    expect(result.error).toBeUndefined();
    const group = result.group!;
    expect(group.provisioningState).toBe('Succeeded');
    expect(group.state).toBe('Running');
    expect(group.fqdn).toBe('web-resume-label.westeurope.azurecontainer.io');
    expect(group.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(group.ports).toEqual([{ port: 80, protocol: 'TCP' }]);
    expect(group.events.filter((e) => e.container === 'app').map((e) => e.name)).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
    expect(group.events.every((e) => e.time instanceof Date)).toBe(true);
    expect(group.containers).toEqual([expect.objectContaining({ name: 'app', image: digestImage, state: 'Running' })]);
    expect(JSON.stringify(group)).not.toContain('xoxb-secret');

    expect(azure.aci.puts('web-resume')).toHaveLength(1);
    expect(azure.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    const env = (azure.aci.puts('web-resume')[0]!.body as { properties: { containers: { properties: { environmentVariables: unknown[] } }[] } }).properties
      .containers[0]!.properties.environmentVariables;
    expect(env).toEqual([
      { name: 'PLAIN', value: 'x' },
      { name: 'SLACK_TOKEN', secureValue: 'xoxb-secret' },
    ]);
    // Resumed polls went to the Azure-AsyncOperation URL.
    expect(azure.count('GET', /\/providers\/Microsoft\.ContainerInstance\/locations\/westeurope\/operations\//)).toBeGreaterThanOrEqual(steps);

    // Polling a finished token again is harmless and still sends no PUT.
    expect((await adapter().pollDeploy(persisted.resumeToken)).done).toBe(true);
    expect(azure.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('reports InaccessibleImage failing the deployment as an error result, after one PUT', async () => {
    azure.aci.imageFailsAt = 'deploy';
    const ref = { subscriptionId: subscription, resourceGroup: rg, name: 'web-badimage' };
    const { resumeToken } = await adapter().beginDeploy(ref, spec(`evil.example.com/x@sha256:${'b'.repeat(64)}`));
    const { result } = await pollUntilDone(resumeToken);
    expect(result.group).toBeUndefined();
    expect(result.error?.code).toBe('InaccessibleImage');
    expect(result.error?.message).toMatch(/^The image 'evil\.example\.com\/x@sha256:b+' in container group 'web-badimage' is not accessible/);
    expect(azure.aci.puts('web-badimage')).toHaveLength(1);
  });

  it('translates a PUT Azure refuses into AzureOperationError', async () => {
    const error = await rejection(
      adapter().beginDeploy({ subscriptionId: subscription, resourceGroup: rg, name: 'web-put-bad' }, spec('evil.example.com/x:1')),
    );
    expect(error).toBeInstanceOf(AzureOperationError);
    expect(error).toMatchObject({ statusCode: 400, azureCode: 'InaccessibleImage', transient: false });
  });

  it('rejects a token that is not one', async () => {
    await expect(adapter().pollDeploy('{"state":{}}')).rejects.toThrow(TypeError);
  });
});

describe('AzureContainerGroups operations', () => {
  it('gets, lists, reads logs, stops, starts, restarts and deletes', async () => {
    const ref = { subscriptionId: subscription, resourceGroup: rg, name: 'web-ops' };
    azure.aci.setLogs('web-ops', 'app', 'one\ntwo\nthree\n');
    const aci = adapter();
    await pollUntilDone((await aci.beginDeploy(ref, spec(undefined, 'web-ops'))).resumeToken);

    expect((await aci.get(ref)).fqdn).toBe('web-ops.westeurope.azurecontainer.io');
    expect((await aci.list({ subscriptionId: subscription, resourceGroup: rg })).map((g) => g.name)).toContain('web-ops');
    expect(await aci.logs(ref, 'app')).toBe('one\ntwo\nthree\n');
    expect(await aci.logs(ref, 'app', 2)).toBe('two\nthree\n');

    await aci.stop(ref);
    expect((await aci.get(ref)).state).toBe('Stopped');
    await aci.start(ref);
    expect((await aci.get(ref)).state).toBe('Running');
    await aci.restart(ref);
    expect((await aci.get(ref)).containers[0]?.restartCount).toBe(1);

    await aci.delete(ref);
    const gone = await rejection(aci.get(ref));
    expect(gone).toBeInstanceOf(AzureOperationError);
    expect(gone).toMatchObject({ statusCode: 404 });
    await aci.delete(ref); // already gone: still fine
  });
});
