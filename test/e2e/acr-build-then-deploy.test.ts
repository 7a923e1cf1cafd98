import { afterEach, describe, expect, it } from 'vitest';
import { defaultYaml, ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

// The default environments, with alice and bob (S0DEVS) deploying in dev as well as building.
const yaml = defaultYaml.replace(`dev:  { builder: [${ids.devs}], viewer: ["*"] }`, `dev:  { builder: [${ids.devs}], deployer: [${ids.devs}], viewer: ["*"] }`);

function cardText(harness: Harness, jobId: string): string {
  return JSON.stringify(harness.slack.messages(ids.devChannel).find((m) => JSON.stringify(m.blocks ?? []).includes(jobId))?.blocks ?? []);
}

async function queue(harness: Harness, command: '/acr' | '/aci', text: string): Promise<string> {
  const res = await harness.command(text, { command });
  const jobId = /`(j[0-9a-z]{12})`/.exec(replyOf(res).text)?.[1];
  expect(jobId, replyOf(res).text).toBeDefined();
  return jobId!;
}

describe('a build, then a deploy of the same tag', () => {
  it('pins the digest the build card showed: what a build pushes is what the registry serves', async () => {
    expect(yaml).not.toBe(defaultYaml);
    h = await startHarness({
      registries: 'emulator',
      yaml,
      setup(azure) {
        azure.aci.addResourceGroup(ids.subscription, 'rg-dev', 'eastus');
        azure.aci.allowImagesFrom(
          azure.registryData
            .endpoint('contosodev')
            .replace(/^https:\/\//, '')
            .split('/')[0]!,
        );
        // An older web:v1, as in the playground: the build must replace it.
        azure.registryData.pushTag('contosodev', 'web', 'v1');
        azure.aci.timing.provisionMs = 300;
      },
    });
    const build = await queue(h, '/acr', 'build -t web:v1 https://github.com/org/app.git#main');
    await h.slack.waitFor(() => cardText(h!, build).includes('Succeeded'), 30_000);
    const built = /web:v1@(sha256:[0-9a-f]{64})/.exec(cardText(h, build))?.[1];
    expect(built).toBeDefined();
    expect(h.azure.registryData.digestOf('contosodev', 'web', 'v1')).toBe(built);

    const deploy = await queue(h, '/aci', 'create -n web --image web:v1 --dns-name-label contoso-web');
    await h.slack.waitFor(() => /Succeeded|Failed/.test(cardText(h!, deploy)), 30_000);
    expect(cardText(h, deploy)).toContain(`web@${built}`);
    const put = h.azure.aci.puts('web').find((p) => p.status < 300)!;
    expect(JSON.stringify(put.body)).toContain(`/web@${built}`);
  });
});
