/** The Azure emulator in its own process, so benchmarks measure the product, not the emulator. */
import { createServer } from 'node:http';
import { startAzureEmulator } from '../test/emulators/azure/index.ts';

const azure = await startAzureEmulator({ queuedMs: 1000, buildDurationMs: Number(process.env.BENCH_BUILD_SECONDS ?? 120) * 1000, logLineIntervalMs: 2000 });
azure.identity.addClient(process.env.AZURE_TENANT_ID!, process.env.AZURE_CLIENT_ID!, process.env.AZURE_CLIENT_SECRET!);
azure.acr.addRegistry({ subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg-dev', name: 'contosodev' });
// GET /stats: how many builds were scheduled, so the bench knows when all are running.
const control = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ scheduleRuns: azure.count('POST', /\/scheduleRun$/), requests: azure.requests.length }));
});
await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
console.log(`azure emulator ${azure.url} control http://127.0.0.1:${(control.address() as { port: number }).port}`);
process.once('SIGTERM', () => void azure.close().then(() => process.exit(0)));
