import { describe, expect, it } from 'vitest';
import { buildCard } from '../../../../src/core/build/build-card.ts';
import { newBuildProgress, type BuildJobData } from '../../../../src/core/build/build-job.ts';
import { renderCard } from '../../../../src/slack/render/card-blocks.ts';
import { renderThreadMessage } from '../../../../src/slack/render/thread-message.ts';

const data: BuildJobData = {
  jobId: 'j0123456789ab',
  requesterId: 'U0ALICE',
  teamId: 'T0',
  channelId: 'C0',
  environment: 'dev',
  target: { subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg', registry: 'contosodev' },
  spec: {
    images: Array.from({ length: 40 }, (_, i) => `repo${i}:v${i}`),
    file: 'Dockerfile',
    buildArgs: [],
    platform: { os: 'Linux', architecture: 'arm', variant: 'v7' },
    noCache: false,
    sourceLocation: 'https://github.com/o/a.git#main',
  },
  queuedAt: '2026-11-28T03:00:00.000Z',
  progress: newBuildProgress(),
};

describe('renderCard', () => {
  it('stays within Block Kit limits and offers Cancel only while the job can be canceled', () => {
    const running = renderCard(buildCard(data, { status: 'running', portal: 'https://portal.azure.com' }));
    expect(running.blocks.length).toBeLessThanOrEqual(50);
    for (const block of running.blocks) {
      const b = block as { text?: { text: string }; fields?: { text: string }[] };
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
      expect(b.fields?.length ?? 0).toBeLessThanOrEqual(10);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    }
    expect(JSON.stringify(running.blocks)).toContain('"action_id":"job.cancel"');
    expect(running.text).toMatch(/^Running: Build repo0:v0/);
    expect(JSON.stringify(running.blocks)).toContain('linux/arm/v7');

    const done = renderCard(
      buildCard(data, { status: 'succeeded', portal: 'https://portal.azure.com', startedAt: '2026-11-28T03:00:00Z', finishedAt: '2026-11-28T03:01:05Z' }),
    );
    expect(JSON.stringify(done.blocks)).not.toContain('job.cancel');
    expect(JSON.stringify(done.blocks)).toContain('1m 05s');
  });

  it('links to the registry in the portal of the configured cloud once a run exists', () => {
    const card = buildCard({ ...data, progress: { ...data.progress, runId: 'ca7' } }, { status: 'running', portal: 'https://portal.azure.cn' });
    expect(card.links[0]!.url).toBe(
      'https://portal.azure.cn/#resource/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contosodev/runs',
    );
  });
});

describe('renderThreadMessage', () => {
  it('puts logs in a code block without letting them close it or mention anyone', () => {
    const r = renderThreadMessage({ kind: 'log', text: 'a ``` b <!channel>', skippedBytes: 10 });
    expect(r.type).toBe('message');
    const text = (r as { text: string }).text;
    expect(text.match(/```/g)).toHaveLength(2);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('10 earlier bytes');
  });
});
