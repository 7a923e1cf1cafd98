/**
 * The text of an ACR quick-build log (`rawtext.log`), modelled on real `az acr build` output
 * (the sample output of learn.microsoft.com/azure/container-registry/container-registry-quickstart-task-cli;
 * the failed closing line as quoted in Azure/azure-cli#28151; the npm padding and the canceled
 * and timed-out wording are assumed):
 * the agent's timestamped lines (`2024/05/01 10:00:00 Executing step ID: build …`) around the
 * Docker build output (`Step 1/6 : FROM …`, ` ---> Running in …`), then push and a closing
 * `Run ID: ca1 was successful after 35s`. Lines end in CRLF, as in ACR's blobs (the CLI flushes
 * on `\r\n`).
 */
import { digestOf, guid, hexOf } from '../ids.ts';

/** A log line; `stamped` lines get the agent's `YYYY/MM/DD HH:MM:SS ` prefix when written. */
export interface LogLine {
  text: string;
  stamped?: boolean;
}

/** Terminal statuses, including cancellation. */
export type FinalStatus = 'Succeeded' | 'Failed' | 'Canceled' | 'Error' | 'Timeout';

/** An image a run builds, with `{{.Run.ID}}` already replaced. */
export interface BuildImage {
  repository: string;
  tag: string;
  digest: string;
}

/** What the log is about. */
export interface BuildLogInput {
  runId: string;
  loginServer: string;
  images: BuildImage[];
  sourceLocation: string;
  push: boolean;
  /** The outcome the run is heading for (shapes where the log stops). */
  outcome: 'Succeeded' | 'Failed' | 'Timeout' | 'Error';
  /** At least this many lines, padded with `npm ci` output, so every write tick appends something. */
  minLines: number;
  /** Replaces the generated Docker build output. */
  customLines?: string[];
  /** `source`: the run stops while downloading its git context (private-repos.ts). */
  failsAt?: 'source';
}

const BASE_IMAGE = { registry: 'registry.hub.docker.com', repository: 'library/node', tag: '20-alpine' };
const NPM_PACKAGES = ['express', 'body-parser', 'debug', 'cookie', 'qs', 'mime-types', 'send', 'serve-static', 'finalhandler', 'on-finished', 'raw-body', 'ms'];

/** `2024/05/01 10:00:00`, the agent's timestamp format (UTC). */
export function agentStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/-/g, '/')
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '');
}

/** Go's duration format, as the agent prints elapsed times (`35s`, `1m5s`). */
export function goDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(total / 60);
  return minutes > 0 ? `${minutes}m${total % 60}s` : `${total}s`;
}

/** Formats a line as it lands in the blob. */
export function renderLine(line: LogLine, at: number): string {
  return `${line.stamped ? `${agentStamp(at)} ` : ''}${line.text}\r\n`;
}

const agent = (text: string): LogLine => ({ text, stamped: true });
const plain = (text: string): LogLine => ({ text });

function preamble(loginServer: string, upTo?: number): LogLine[] {
  const lines = [
    agent('Downloading source code...'),
    agent('Finished downloading source code'),
    agent(`Using acb_vol_${guid()} as the home volume`),
    agent('Setting up Docker configuration...'),
    agent('Successfully set up Docker configuration'),
    agent(`Logging in to registry: ${loginServer}`),
    agent(`Successfully logged into ${loginServer}`),
    agent("Executing step ID: build. Timeout(sec): 28800, Working directory: '', Network: ''"),
    agent('Scanning for dependencies...'),
    agent('Successfully scanned dependencies'),
    agent('Launching container with name: build'),
  ];
  return upTo === undefined ? lines : lines.slice(0, upTo);
}

/** `npm ci` progress lines: the padding that keeps a long build writing on every tick. */
function npmFiller(runId: string, count: number): LogLine[] {
  const fetches = Array.from({ length: Math.max(0, count - 1) }, (_, i) =>
    plain(`npm http fetch GET 200 https://registry.npmjs.org/${NPM_PACKAGES[i % NPM_PACKAGES.length]!} ${40 + ((i * 37) % 160)}ms (cache miss)`),
  );
  return [plain(`npm verbose cli /usr/local/bin/node /usr/local/bin/npm (run ${runId})`), ...fetches];
}

/** Docker build output up to and including `RUN npm ci` (which fails, hangs or succeeds). */
function dockerBuild(input: BuildLogInput, fillerLines: number): LogLine[] {
  const h = (n: number) => hexOf(`${input.runId}/${n}`);
  const head = [
    plain('Sending build context to Docker daemon  24.58kB'),
    plain(`Step 1/6 : FROM ${BASE_IMAGE.repository.replace('library/', '')}:${BASE_IMAGE.tag}`),
    plain(`${BASE_IMAGE.tag}: Pulling from ${BASE_IMAGE.repository}`),
    ...[1, 2, 3].map((n) => plain(`${h(n)}: Pulling fs layer`)),
    ...[1, 2, 3].map((n) => plain(`${h(n)}: Pull complete`)),
    plain(`Digest: ${digestOf('base-image')}`),
    plain(`Status: Downloaded newer image for node:${BASE_IMAGE.tag}`),
    plain(` ---> ${h(4)}`),
    plain('Step 2/6 : WORKDIR /app'),
    plain(` ---> Running in ${h(5)}`),
    plain(`Removing intermediate container ${h(5)}`),
    plain(` ---> ${h(6)}`),
    plain('Step 3/6 : COPY package*.json ./'),
    plain(` ---> ${h(7)}`),
    plain('Step 4/6 : RUN npm ci'),
    plain(` ---> Running in ${h(8)}`),
    ...npmFiller(input.runId, fillerLines),
  ];
  if (input.outcome === 'Failed') {
    return [
      ...head,
      plain('npm error code EUSAGE'),
      plain('npm error'),
      plain('npm error The `npm ci` command can only install with an existing package-lock.json or'),
      plain('npm error npm-shrinkwrap.json with lockfileVersion >= 1. Run an install with npm@5 or'),
      plain('npm error later to generate a package-lock.json file, then try again.'),
    ];
  }
  if (input.outcome !== 'Succeeded') return head;
  return [
    ...head,
    plain('added 142 packages, and audited 143 packages in 3s'),
    plain(''),
    plain('found 0 vulnerabilities'),
    plain(`Removing intermediate container ${h(8)}`),
    plain(` ---> ${h(9)}`),
    plain('Step 5/6 : COPY . .'),
    plain(` ---> ${h(10)}`),
    plain('Step 6/6 : CMD ["node", "server.js"]'),
    plain(` ---> Running in ${h(11)}`),
    plain(`Removing intermediate container ${h(11)}`),
    plain(` ---> ${h(12)}`),
    plain(`Successfully built ${h(12)}`),
    ...input.images.map((i) => plain(`Successfully tagged ${input.loginServer}/${i.repository}:${i.tag}`)),
  ];
}

function pushLines(input: BuildLogInput): LogLine[] {
  const lines: LogLine[] = [agent('Successfully executed container: build')];
  if (!input.push) return lines;
  lines.push(agent("Executing step ID: push. Timeout(sec): 3600, Working directory: '', Network: ''"));
  for (const image of input.images) {
    const ref = `${input.loginServer}/${image.repository}:${image.tag}`;
    const layers = [1, 2, 3].map((n) => hexOf(`${ref}/${n}`));
    lines.push(
      agent(`Pushing image: ${ref}, attempt 1`),
      plain(`The push refers to repository [${input.loginServer}/${image.repository}]`),
      ...layers.map((l) => plain(`${l}: Preparing`)),
      ...layers.map((l) => plain(`${l}: Pushed`)),
      plain(`${image.tag}: digest: ${image.digest} size: 1789`),
      agent(`Successfully pushed image: ${ref}`),
    );
  }
  return lines;
}

/** The lines a run writes while it runs (the closing lines come from {@link closingLines}). */
export function planBuildLog(input: BuildLogInput): LogLine[] {
  if (input.failsAt === 'source') return [agent('Downloading source code...')];
  if (input.outcome === 'Error') return preamble(input.loginServer, 4);
  const fixed = (lines: number) => {
    const build = input.customLines ? input.customLines.map(plain) : dockerBuild(input, lines);
    return [...preamble(input.loginServer), ...build, ...(input.outcome === 'Succeeded' ? pushLines(input) : [])];
  };
  const unpadded = fixed(1);
  if (input.customLines || unpadded.length >= input.minLines) return unpadded;
  return fixed(1 + input.minLines - unpadded.length);
}

/** Everything after the build: dependencies and the `Run ID: …` verdict. */
export function closingLines(input: {
  runId: string;
  status: FinalStatus;
  elapsedMs: number;
  loginServer: string;
  images: BuildImage[];
  sourceLocation: string;
  push: boolean;
  errorMessage: string | undefined;
  failsAt?: 'source';
}): LogLine[] {
  const after = goDuration(input.elapsedMs);
  // The only other line a run that could not fetch its source writes (private-repos.ts).
  if (input.failsAt === 'source' && input.status === 'Failed') return [plain(`Run ID: ${input.runId} failed after ${after}. Error: ${input.errorMessage}`)];
  const seconds = (input.elapsedMs / 1000).toFixed(6);
  switch (input.status) {
    case 'Succeeded': {
      const lines: LogLine[] = [agent(`Step ID: build marked as successful (elapsed time in seconds: ${seconds})`)];
      if (input.push) {
        lines.push(
          agent('Populating digests for step ID: build...'),
          agent('Successfully populated digests for step ID: build'),
          agent('Step ID: push marked as successful (elapsed time in seconds: 1.204530)'),
          agent('The following dependencies were found:'),
          agent(''),
        );
        for (const image of input.images) {
          lines.push(
            plain('- image:'),
            plain(`    registry: ${input.loginServer}`),
            plain(`    repository: ${image.repository}`),
            plain(`    tag: ${image.tag}`),
            plain(`    digest: ${image.digest}`),
            plain('  runtime-dependency:'),
            plain(`    registry: ${BASE_IMAGE.registry}`),
            plain(`    repository: ${BASE_IMAGE.repository}`),
            plain(`    tag: ${BASE_IMAGE.tag}`),
            plain(`    digest: ${digestOf('base-image')}`),
          );
          if (/\.git(#|$)|^git@|^git:\/\//.test(input.sourceLocation)) {
            lines.push(plain('  git:'), plain(`    git-head-revision: ${hexOf(input.sourceLocation, 40)}`));
          }
        }
      }
      return [...lines, plain(''), plain(`Run ID: ${input.runId} was successful after ${after}`)];
    }
    case 'Failed':
      return [
        plain("The command '/bin/sh -c npm ci' returned a non-zero code: 1"),
        agent('Container failed during run: build. No retries remaining.'),
        plain('failed to run step ID: build: exit status 1'),
        plain(''),
        plain(`Run ID: ${input.runId} failed after ${after}. Error: ${input.errorMessage ?? 'failed during run, err: exit status 1'}`),
      ];
    case 'Timeout':
      return [
        agent('Container failed during run: build. No retries remaining.'),
        plain('failed to run step ID: build: context deadline exceeded'),
        plain(''),
        plain(`Run ID: ${input.runId} failed after ${after}. Error: ${input.errorMessage ?? 'failed during run, err: context deadline exceeded'}`),
      ];
    case 'Error':
      return [
        agent(input.errorMessage ?? 'Internal error while running the build'),
        plain(''),
        plain(`Run ID: ${input.runId} failed after ${after}. Error: ${input.errorMessage ?? 'Internal error while running the build'}`),
      ];
    case 'Canceled':
      return [agent('Received a cancellation request; stopping container: build'), plain(''), plain(`Run ID: ${input.runId} was canceled after ${after}`)];
  }
}
