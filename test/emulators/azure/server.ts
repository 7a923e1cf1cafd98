/**
 * The Azure emulator's HTTPS server and its public handle, {@link AzureEmulator}.
 *
 * One server answers for every emulated service, told apart by path: Entra ID
 * (`/{tenant}/oauth2/…`, `/{tenant}/v2.0/.well-known/…`), ARM (`/subscriptions/…`), Blob
 * storage (`/acrlogs/…`), Key Vault (`/vaults/…`), ACR data (`/registries/…`) and Graph (`/v1.0/…`). Each request goes through: record → fault injection → the service's
 * guard (auth, api-version) → route handler → the service's common headers.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { basename, dirname, resolve } from 'node:path';
import { createAci } from './aci/index.ts';
import type { AciEmulator } from './aci/index.ts';
import { AcrEmulator } from './acr/index.ts';
import { LOG_BLOB_PATHS, logBlobRoutes } from './acr/log-blob.ts';
import { acrRoutes } from './acr/routes.ts';
import { AcrStore } from './acr/store.ts';
import { armFamily, ArmScopes } from './arm.ts';
import { ensureTestCa } from './ca.ts';
import { GraphEmulator } from './graph/index.ts';
import { KeyVaultEmulator } from './keyvault/index.ts';
import { RegistryDataEmulator } from './registry-data/index.ts';
import type { FamilyPolicy } from './family.ts';
import { Faults } from './faults.ts';
import type { FailNextOptions } from './faults.ts';
import { flattenHeaders, parseBody, readBody, send } from './http.ts';
import type { RecordedRequest, Reply, ServiceFamily } from './http.ts';
import { EntraIdentity } from './identity.ts';
import { identityFamily } from './identity-routes.ts';
import type { Route, RouteContext } from './router.ts';
import { Router } from './router.ts';
import { storageFamily } from './storage.ts';

/** Options of {@link startAzureEmulator}. */
export interface AzureEmulatorOptions {
  /** Port on 127.0.0.1 (and ::1 when free). `0` or omitted → a free port. */
  port?: number;
  /**
   * Where the test CA and server certificate live (created when missing). Default: the
   * directory of `NODE_EXTRA_CA_CERTS` when it names a `ca.pem`, else `test/.certs`.
   */
  certDir?: string;
  /** How long a run stays Queued. Default 1000. */
  queuedMs?: number;
  /** How long a run stays Running. Default 3000. */
  buildDurationMs?: number;
  /** Time between log writes while Running. Default 200. */
  logLineIntervalMs?: number;
  /** Time from a cancel request until the run is Canceled; above 0 the cancel is a 202 LRO. Default 0. */
  cancelDelayMs?: number;
}

function defaultCertDir(): string {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra && (basename(extra) === 'ca.pem' || basename(extra) === 'trust.pem')) return dirname(extra);
  return resolve(import.meta.dirname, '..', '..', '.certs');
}

const OTHER_FAMILY: FamilyPolicy = {
  name: 'other',
  router: new Router(),
  claims: () => true,
  notFound: (ctx) => ({ status: 404, headers: { 'Content-Type': 'text/plain' }, body: `Azure emulator: nothing at ${ctx.req.method} ${ctx.req.path}` }),
  fault: (fault) => ({ status: fault.status, headers: { 'Content-Type': 'text/plain' }, body: 'injected fault' }),
  decorate: (reply) => reply,
};

/**
 * A running Azure emulator: Entra ID, ARM (ACR runs) and the ACR log blobs over HTTPS, for the
 * real `@azure/identity` and `@azure/arm-containerregistry` clients.
 */
export class AzureEmulator {
  /** `https://localhost:PORT`: the authority host, ARM endpoint and (later) Graph endpoint. */
  readonly url: string;
  readonly port: number;
  /** Entra ID: register service principals, inspect issued tokens. */
  readonly identity: EntraIdentity;
  /** Azure Container Registry: registries, run scenarios, logs. */
  readonly acr: AcrEmulator;
  /** Azure Container Instances: container groups, pullable registries, logs, recorded PUTs. */
  readonly aci: AciEmulator;
  /** Key Vault secrets at `https://localhost:PORT/vaults/{vault}`. */
  readonly keyVault: KeyVaultEmulator;
  /** ACR's data plane (tags, token exchange) at `https://localhost:PORT/registries/{name}`. */
  readonly registryData: RegistryDataEmulator;
  /** Microsoft Graph v1.0 app registrations and client secrets at `https://localhost:PORT/v1.0/`. */
  readonly graph: GraphEmulator;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[] = [];

  readonly #servers: Server[];
  readonly #families: FamilyPolicy[];
  readonly #faults = new Faults();
  /** Read on every use, so fake timers in an in-process test move the emulator's clock too. */
  readonly #clock: () => number = () => Date.now();
  readonly #resetArm: () => void;

  private constructor(
    servers: Server[],
    port: number,
    timing: { queuedMs: number; buildDurationMs: number; logLineIntervalMs: number; cancelDelayMs: number },
  ) {
    this.#servers = servers;
    this.port = port;
    this.url = `https://localhost:${port}`;
    this.identity = new EntraIdentity(this.url);
    const scopes = new ArmScopes();
    const arm = armFamily(this.identity, scopes, this.url);
    this.#resetArm = arm.resetBudgets;
    const store = new AcrStore(scopes, timing);
    this.acr = new AcrEmulator(
      store,
      () => this.#clock(),
      () => this.requests,
    );
    const blob = storageFamily(LOG_BLOB_PATHS);
    arm.router.add(...acrRoutes(store));
    const aci = createAci(scopes, () => this.#clock());
    this.aci = aci.controls;
    arm.router.add(...aci.routes);
    blob.router.add(...logBlobRoutes((registry, runId) => store.findRun(runId, this.#clock(), registry)));
    this.keyVault = new KeyVaultEmulator(this.identity, this.url, () => this.#clock());
    this.registryData = new RegistryDataEmulator(this.identity, this.url, () => this.#clock());
    this.registryData.basicAuth = (registry, username, password) => this.acr.checkTokenPassword(registry, username, password);
    // One registry seen from both sides: what a build pushes is what the data plane then serves.
    store.onImagePushed = (registry, image, at) => this.registryData.recordPush(registry, image.repository, image.tag, image.digest, at);
    const catchUp = (registry: string): void => {
      store.advanceRuns(registry, this.#clock());
      store.imports.settle(this.#clock(), registry);
    };
    this.registryData.catchUp = catchUp;
    // Imports read and write the same data plane: an imported image is pulled where builds push.
    store.imports.images = {
      catchUp,
      tagDigest: (registry, repo, tag) => this.registryData.digestOf(registry, repo, tag),
      hasManifest: (registry, repo, digest) => this.registryData.hasManifest(registry, repo, digest),
      putTag: (registry, repo, tag, digest, at) => void this.registryData.recordPush(registry, repo, tag, digest, at),
      putManifest: (registry, repo, digest, at) => this.registryData.recordManifest(registry, repo, digest, at),
    };
    this.graph = new GraphEmulator(
      this.identity,
      () => this.#clock(),
      (options) => this.#faults.add(options),
    );
    this.#families = [identityFamily(this.identity), arm, blob, this.keyVault.family, this.registryData.family, this.graph.family];
  }

  /** Starts the emulator; prefer {@link startAzureEmulator}. */
  static async start(options: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
    const { certPath, keyPath } = ensureTestCa(options.certDir ?? defaultCertDir());
    const tls = { cert: readFileSync(certPath), key: readFileSync(keyPath) };
    let emulator: AzureEmulator | undefined;
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      if (!emulator) {
        res.writeHead(503).end();
        return;
      }
      emulator.#handle(req, res).catch((error: unknown) => {
        console.error('[azure-emulator] internal error', error);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`emulator error: ${String(error)}`);
        else res.destroy();
      });
    };
    const v4 = createServer(tls, listener);
    await listen(v4, options.port ?? 0, '127.0.0.1');
    const { port } = v4.address() as AddressInfo;
    // `localhost` may resolve to ::1 first; answering there too spares clients a failed attempt.
    const v6 = createServer(tls, listener);
    const servers = (await listen(v6, port, '::1').then(
      () => true,
      () => false,
    ))
      ? [v4, v6]
      : [v4];
    for (const server of servers) server.keepAliveTimeout = 1000;
    emulator = new AzureEmulator(servers, port, {
      queuedMs: options.queuedMs ?? 1000,
      buildDurationMs: options.buildDurationMs ?? 3000,
      logLineIntervalMs: options.logLineIntervalMs ?? 200,
      cancelDelayMs: options.cancelDelayMs ?? 0,
    });
    return emulator;
  }

  /** Requests matching `method` (any case; `*` for all) and `path`, optionally of one service only. */
  count(method: string, path: RegExp, kind?: ServiceFamily): number {
    const m = method.toUpperCase();
    return this.requests.filter((r) => (m === '*' || r.method === m) && path.test(r.path) && (!kind || r.kind === kind)).length;
  }

  /** The recorded requests of one service, e.g. `'arm'` or `'blob'`. */
  requestsOf(kind: ServiceFamily): RecordedRequest[] {
    return this.requests.filter((r) => r.kind === kind);
  }

  /**
   * Makes the next matching request(s) fail with `status` in the service's own error format
   * (ARM: `{"error":{"code":"TooManyRequests"|"InternalServerError"|"ServiceUnavailable",…}}`,
   * plus `Retry-After` for 429). Without `path`, only ARM requests match.
   */
  failNext(options: FailNextOptions): void {
    this.#faults.add(options);
  }

  /** Forgets recorded requests, pending faults, queued run scenarios and scripted import failures; registries, clients and runs stay. */
  reset(): void {
    this.requests.length = 0;
    this.#faults.clear();
    this.acr.clearScenarios();
    this.#resetArm();
  }

  /** Adds routes to a service (e.g. ACI under `'arm'`). */
  addRoutes(kind: ServiceFamily, ...routes: Route[]): void {
    const family = this.#families.find((f) => f.name === kind);
    if (!family) throw new Error(`No service family '${kind}' in the Azure emulator.`);
    family.router.add(...routes);
  }

  /** Adds a service family (e.g. Graph or Key Vault); it is consulted before the others. */
  addFamily(family: FamilyPolicy): void {
    this.#families.unshift(family);
  }

  /** Stops the server and drops open connections. */
  async close(): Promise<void> {
    await Promise.all(
      this.#servers.map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.url);
    const headers = flattenHeaders(req);
    const family = this.#families.find((f) => f.claims(url.pathname)) ?? OTHER_FAMILY;
    const record: RecordedRequest = {
      kind: family.name,
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: parseBody(headers['content-type'], raw),
      at: new Date(this.#clock()),
    };
    this.requests.push(record);
    const match = family.router.match(record.method, record.path);
    const ctx: RouteContext = { req: record, params: match?.params ?? {}, baseUrl: this.url, now: this.#clock() };

    let reply: Reply;
    const fault = this.#faults.take(record);
    if (fault && !fault.afterHandler) {
      reply = family.fault(fault, ctx);
    } else {
      reply = family.guard?.(match?.route, ctx) ?? (match ? await match.route.handler(ctx) : family.notFound(ctx));
      if (fault) reply = family.fault(fault, ctx);
    }
    reply = family.decorate(reply, ctx);
    record.status = reply.status;
    send(res, reply, record.method);
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Starts an Azure emulator on a free port of 127.0.0.1 with the test CA's `localhost`
 * certificate. Clients must trust the CA: run Node with `NODE_EXTRA_CA_CERTS=<certDir>/ca.pem`.
 */
export function startAzureEmulator(options: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  return AzureEmulator.start(options);
}
