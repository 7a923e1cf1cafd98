/**
 * The ACI part of the Azure emulator against the real `ContainerInstanceManagementClient` 9.1.0
 * (api 2023-05-01), authenticated by `ClientSecretCredential` against the emulator's Entra ID.
 * Run with `NODE_EXTRA_CA_CERTS=$PWD/test/.certs/ca.pem` (see `scripts/make-test-ca.ts`).
 */
import { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import type { ContainerGroup } from '@azure/arm-containerinstance';
import { isRestError } from '@azure/core-rest-pipeline';
import { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzureEmulator } from './azure/index.ts';
import type { AzureEmulator } from './azure/index.ts';

const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = 'a1b2c3d4-0000-4000-8000-00000000ac1e';
const secret = 'emulator-test-secret';
const subscription = '00000000-0000-0000-0000-000000000002';
const rg = 'rg-aci';
const loginServer = 'contosodev.azurecr.io';
const poll = { updateIntervalInMs: 50 };

let azure: AzureEmulator;
let client: ContainerInstanceManagementClient;

function groupSpec(image = `${loginServer}/web:1`, label = 'chatops-web'): ContainerGroup {
  return {
    location: 'westeurope',
    osType: 'Linux',
    restartPolicy: 'Always',
    containers: [
      {
        name: 'app',
        image,
        resources: { requests: { cpu: 1, memoryInGB: 1.5 } },
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

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  azure = await startAzureEmulator();
  azure.identity.addClient(tenant, clientId, secret);
  azure.aci.addResourceGroup(subscription, rg, 'westeurope');
  azure.aci.allowImagesFrom(loginServer);
  azure.aci.timing.provisionMs = 400;
  azure.aci.timing.startMs = 300;
  azure.aci.timing.restartMs = 200;
  const credential = new ClientSecretCredential(tenant, clientId, secret, { authorityHost: azure.url, disableInstanceDiscovery: true });
  client = new ContainerInstanceManagementClient(credential, subscription, { endpoint: azure.url });
});

afterAll(async () => {
  await azure?.close();
});

beforeEach(() => {
  azure.reset();
  azure.aci.reset();
  azure.aci.imageFailsAt = 'put';
  azure.aci.pageSize = 100;
});

describe('ACI container groups', () => {
  it('creates a group through the Azure-AsyncOperation LRO and records exactly one PUT', async () => {
    const created = await client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-create', groupSpec(), poll);
    expect(created.provisioningState).toBe('Succeeded');
    expect(created.instanceView?.state).toBe('Running');

    const puts = azure.aci.puts('web-create');
    expect(puts).toHaveLength(1);
    expect(puts[0]!.status).toBe(201);
    const env = (puts[0]!.body as { properties: { containers: { properties: { environmentVariables: unknown[] } }[] } }).properties.containers[0]!.properties
      .environmentVariables;
    expect(env).toEqual([
      { name: 'PLAIN', value: 'x' },
      { name: 'SLACK_TOKEN', secureValue: 'xoxb-secret' },
    ]);

    const put = azure.requests.find((r) => r.method === 'PUT' && r.path.endsWith('/containerGroups/web-create'))!;
    expect(put.query['api-version']).toBe('2023-05-01');
    const polls = azure.requests.filter((r) => /\/providers\/Microsoft\.ContainerInstance\/locations\/westeurope\/operations\/[0-9a-f-]+$/.test(r.path));
    // 400 ms of provisioning polled every 50 ms: several polls, then one final GET of the group.
    expect(polls.length).toBeGreaterThanOrEqual(3);
    const finalGets = azure.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/containerGroups/web-create'));
    expect(finalGets).toHaveLength(1);
    expect(finalGets[0]!.at.getTime()).toBeGreaterThanOrEqual(polls.at(-1)!.at.getTime());
  });

  it('hands out an absolute Azure-AsyncOperation URL that reports Pending, Creating, then Succeeded', async () => {
    const seen: { url: string; status: number; asyncOp: string | undefined; body: string | undefined }[] = [];
    const onResponse = (raw: { request: { url: string }; status: number; headers: { get(name: string): string | undefined }; bodyAsText?: string | null }) => {
      seen.push({ url: raw.request.url, status: raw.status, asyncOp: raw.headers.get('azure-asyncoperation'), body: raw.bodyAsText ?? undefined });
    };
    const poller = await client.containerGroups.beginCreateOrUpdate(rg, 'web-status', groupSpec(), { ...poll, onResponse });
    expect(poller.getResult()).toBeUndefined();
    await poller.pollUntilDone();
    const opUrl = seen[0]!.asyncOp!;
    expect(seen[0]!.status).toBe(201);
    expect(opUrl).toMatch(
      new RegExp(
        `^${azure.url}/subscriptions/${subscription}/providers/Microsoft\\.ContainerInstance/locations/westeurope/operations/[0-9a-f-]{36}\\?api-version=`,
      ),
    );
    const statuses = seen.filter((r) => r.url.includes('/operations/')).map((r) => (JSON.parse(r.body!) as { status: string }).status);
    expect(statuses.filter((s, i) => s !== statuses[i - 1])).toEqual(['Pending', 'Creating', 'Succeeded']);
    expect(seen.at(-1)!.url).toMatch(/\/containerGroups\/web-status\?api-version=2023-05-01$/);
  });

  it('gets the group with FQDN, IP, container state and Pulling/Pulled/Created/Started events, and no secrets', async () => {
    await client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-get', groupSpec(undefined, 'web-get-label'), poll);
    const group = await client.containerGroups.get(rg, 'web-get');
    expect(group.ipAddress?.fqdn).toBe('web-get-label.westeurope.azurecontainer.io');
    expect(group.ipAddress?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(group.ipAddress?.ports).toEqual([{ port: 80, protocol: 'TCP' }]);
    const view = group.containers[0]!.instanceView!;
    expect(view.currentState?.state).toBe('Running');
    expect(view.events?.map((e) => e.name)).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
    expect(group.containers[0]!.environmentVariables).toEqual([{ name: 'PLAIN', value: 'x' }, { name: 'SLACK_TOKEN' }]);
    expect(group.imageRegistryCredentials?.[0]?.password).toBeUndefined();
  });

  it('returns a PUT-time 200 for an existing group and a 400 for an invalid name', async () => {
    await client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-again', groupSpec(), poll);
    await client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-again', groupSpec(`${loginServer}/web:2`), poll);
    expect(azure.aci.puts('web-again').map((p) => p.status)).toEqual([201, 200]);
    expect((await client.containerGroups.get(rg, 'web-again')).containers[0]!.image).toBe(`${loginServer}/web:2`);

    const error = await rejection(client.containerGroups.beginCreateOrUpdateAndWait(rg, 'Web_Bad', groupSpec(), poll));
    expect(isRestError(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 400, code: 'ContainerGroupNameInvalid' });
  });

  it('refuses to change CPU, memory, GPU, restart policy, subnet or IP address type in place, omissions included, with ARM’s message', async () => {
    await client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-fixed', { ...groupSpec(), restartPolicy: 'OnFailure' }, poll);
    const base = (): ContainerGroup => ({ ...groupSpec(), restartPolicy: 'OnFailure' });
    const withCpu = (cpu: number): ContainerGroup => {
      const spec = base();
      spec.containers[0]!.resources = { requests: { cpu, memoryInGB: 1.5 } };
      return spec;
    };
    const { restartPolicy: _omitted, ...noRestartPolicy } = base();
    const { ipAddress: _noIp, ...noIp } = base();
    const refusals: ContainerGroup[] = [
      withCpu(2),
      { ...base(), restartPolicy: 'Always' },
      noRestartPolicy as ContainerGroup, // omitted → the default, Always
      noIp as ContainerGroup, // omitted → no IP address
      { ...base(), containers: [{ ...base().containers[0]!, resources: { requests: { cpu: 1, memoryInGB: 1.5, gpu: { count: 1, sku: 'V100' } } } }] },
      { ...base(), osType: 'Windows' },
      {
        ...base(),
        ipAddress: { type: 'Private', ports: [{ port: 80, protocol: 'TCP' }] },
        subnetIds: [{ id: `/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aci` }],
      },
    ];
    for (const spec of refusals) {
      const error = await rejection(client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-fixed', spec, poll));
      expect(error).toMatchObject({ statusCode: 400, code: 'InvalidContainerGroupUpdate' });
      expect((error as Error).message).toBe(
        "The updates on container group 'web-fixed' are invalid. If you are going to update the os type, restart policy, network profile, CPU, memory or GPU resources for a container group, you must delete it first and then create a new one.",
      );
    }
    // What may change in place still does: the image, variables, the DNS label.
    const updated = await client.containerGroups.beginCreateOrUpdateAndWait(
      rg,
      'web-fixed',
      {
        ...base(),
        ipAddress: { ...base().ipAddress!, dnsNameLabel: 'web-fixed-2' },
        containers: [{ ...base().containers[0]!, image: `${loginServer}/web:2` }],
      },
      poll,
    );
    expect(updated.containers[0]!.image).toBe(`${loginServer}/web:2`);
    expect(azure.aci.puts('web-fixed').map((p) => p.status)).toEqual([201, 400, 400, 400, 400, 400, 400, 400, 200]);
    // Once deleted, the same name takes any shape.
    await client.containerGroups.beginDeleteAndWait(rg, 'web-fixed', poll);
    const recreated = await client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-fixed', withCpu(2), poll);
    expect(recreated.containers[0]!.resources.requests.cpu).toBe(2);
  });

  it('creates a group without an IP address, as az container create does without --ip-address, a DNS label or a subnet', async () => {
    const { ipAddress: _none, ...spec } = groupSpec();
    const created = await client.containerGroups.beginCreateOrUpdateAndWait(
      rg,
      'web-noip',
      { ...spec, containers: [{ ...spec.containers[0]!, ports: [] }] },
      poll,
    );
    expect(created.ipAddress).toBeUndefined();
    expect(created.instanceView?.state).toBe('Running');
  });

  it('returns logs, honouring tail', async () => {
    azure.aci.setLogs('web-logs', 'app', 'one\ntwo\nthree\n');
    await client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-logs', groupSpec(), poll);
    expect((await client.containers.listLogs(rg, 'web-logs', 'app')).content).toBe('one\ntwo\nthree\n');
    expect((await client.containers.listLogs(rg, 'web-logs', 'app', { tail: 2 })).content).toBe('two\nthree\n');
    const logs = azure.requests.filter((r) => r.path.endsWith('/containers/app/logs'));
    expect(logs.at(-1)!.query.tail).toBe('2');
    const missing = await rejection(client.containers.listLogs(rg, 'web-logs', 'nope'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'ContainerNotFound' });
  });

  it('stops, starts (202 LRO) and restarts (204), then deletes', async () => {
    await client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-life', groupSpec(), poll);
    await client.containerGroups.stop(rg, 'web-life');
    const stopped = await client.containerGroups.get(rg, 'web-life');
    expect(stopped.instanceView?.state).toBe('Stopped');
    expect(stopped.containers[0]!.instanceView?.currentState?.state).toBe('Terminated');

    await client.containerGroups.beginStartAndWait(rg, 'web-life', poll);
    const start = azure.requests.find((r) => r.method === 'POST' && r.path.endsWith('/web-life/start'))!;
    expect(start.status).toBe(202);
    expect(azure.count('GET', /\/operationResults\//)).toBe(1);
    expect((await client.containerGroups.get(rg, 'web-life')).instanceView?.state).toBe('Running');

    // Already running: nothing to start, 204 and no polling.
    await client.containerGroups.beginStartAndWait(rg, 'web-life', poll);
    expect(azure.requests.filter((r) => r.path.endsWith('/web-life/start')).map((r) => r.status)).toEqual([202, 204]);

    await client.containerGroups.beginRestartAndWait(rg, 'web-life', poll);
    const restarting = await client.containerGroups.get(rg, 'web-life');
    expect(restarting.instanceView?.state).toBe('Pending');
    expect(restarting.containers[0]!.instanceView?.restartCount).toBe(1);
    expect(restarting.containers[0]!.instanceView?.events?.map((e) => e.name)).toContain('Killing');

    const deleted = await client.containerGroups.beginDeleteAndWait(rg, 'web-life', poll);
    expect(deleted.name).toBe('web-life');
    const gone = await rejection(client.containerGroups.get(rg, 'web-life'));
    expect(gone).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    await client.containerGroups.beginDeleteAndWait(rg, 'web-life', poll);
    expect(azure.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([200, 204]);
  });

  it('lists a resource group across pages', async () => {
    azure.aci.pageSize = 2;
    for (const name of ['list-a', 'list-b', 'list-c']) await client.containerGroups.beginCreateOrUpdate(rg, name, groupSpec(), poll);
    const names: string[] = [];
    for await (const group of client.containerGroups.listByResourceGroup(rg)) names.push(group.name!);
    expect(names.filter((n) => n.startsWith('list-'))).toEqual(['list-a', 'list-b', 'list-c']);
    const pages = azure.requests.filter(
      (r) => r.method === 'GET' && r.path.endsWith(`/resourceGroups/${rg}/providers/Microsoft.ContainerInstance/containerGroups`),
    );
    expect(pages.length).toBe(Math.ceil(names.length / 2));
    expect(pages[1]!.query.$skipToken).toBeTruthy();
  });
});

describe('ACI failures', () => {
  it('rejects an image from a registry that is not pullable at PUT time with InaccessibleImage', async () => {
    const error = await rejection(client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-badimage', groupSpec('evil.example.com/x:1'), poll));
    expect(isRestError(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 400, code: 'InaccessibleImage' });
    expect((error as Error).message).toContain("The image 'evil.example.com/x:1' in container group 'web-badimage' is not accessible");
    expect(azure.aci.group(rg, 'web-badimage')).toBeUndefined();
    expect(azure.aci.puts('web-badimage').map((p) => p.status)).toEqual([400]);
  });

  it('fails the deployment LRO with InaccessibleImage when imageFailsAt is deploy', async () => {
    azure.aci.imageFailsAt = 'deploy';
    const error = await rejection(client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-deployfail', groupSpec('evil.example.com/x:1'), poll));
    // core-lro turns a Failed status into a plain Error, not a RestError: code and message are in the text.
    expect(isRestError(error)).toBe(false);
    expect((error as Error).message).toMatch(/^The long-running operation has failed\. InaccessibleImage\. The image 'evil\.example\.com\/x:1'/);
    const group = await client.containerGroups.get(rg, 'web-deployfail');
    expect(group.provisioningState).toBe('Failed');
    expect(group.containers[0]!.instanceView?.events?.map((e) => `${e.type}:${e.name}`)).toEqual(['Normal:Pulling', 'Warning:Failed']);
  });

  it('fails the next deployment as scripted, then deploys normally', async () => {
    azure.aci.failNextDeployment('web-scripted', {
      code: 'ServiceUnavailable',
      message: "The requested resource is not available in the location 'westeurope' at this moment.",
    });
    const error = await rejection(client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-scripted', groupSpec(), poll));
    expect((error as Error).message).toContain('ServiceUnavailable. The requested resource is not available');
    const failed = await client.containerGroups.get(rg, 'web-scripted');
    expect(failed.instanceView?.events?.map((e) => e.name)).toEqual(['ServiceUnavailable']);
    const retried = await client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-scripted', groupSpec(), poll);
    expect(retried.provisioningState).toBe('Succeeded');
  });

  it('answers 429 with Retry-After, which the SDK retries', async () => {
    await client.containerGroups.beginCreateOrUpdateAndWait(rg, 'web-throttle', groupSpec(), poll);
    azure.failNext({ method: 'GET', path: /\/containerGroups\/web-throttle$/, status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const group = await client.containerGroups.get(rg, 'web-throttle');
    expect(group.name).toBe('web-throttle');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const gets = azure.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/containerGroups/web-throttle'));
    expect(gets.slice(-2).map((r) => r.status)).toEqual([429, 200]);
  });
});
