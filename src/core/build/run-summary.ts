import type { RunImage } from './acr-builds.ts';

/**
 * What a successful ACR run says at the end of its log, as `az acr build` prints it:
 *
 *   The following dependencies were found:
 *   - image:
 *       registry: contosodev.azurecr.io
 *       repository: web
 *       tag: v1
 *       digest: sha256:…
 *     runtime-dependency:
 *       …
 *   Run ID: ca1 was successful after 35s
 *
 * Reading it from the log (which the job reads anyway) saves an ARM call per build.
 */
export function parseRunSummary(logTail: string): { images: RunImage[]; elapsed?: string } {
  const lines = logTail
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /, ''));
  const images: RunImage[] = [];
  const start = lines.findIndex((l) => l.trim() === 'The following dependencies were found:');
  if (start >= 0) {
    let current: RunImage | undefined;
    let inImage = false;
    for (const line of lines.slice(start + 1)) {
      if (/^- image:\s*$/.test(line)) {
        current = {};
        images.push(current);
        inImage = true;
        continue;
      }
      // Only the `image:` block is what was pushed; runtime and build-time dependencies are base images.
      if (/^ {2}\S.*:\s*$/.test(line)) {
        inImage = false;
        continue;
      }
      const field = /^ {4}(registry|repository|tag|digest):\s*(\S+)\s*$/.exec(line);
      if (field && current && inImage) current[field[1] as keyof RunImage] = field[2]!;
      if (line.startsWith('Run ID:')) break;
    }
  }
  const elapsed = /Run ID: \S+ was successful after (\S+)/.exec(logTail)?.[1];
  return { images: images.filter((i) => i.repository), ...(elapsed && { elapsed }) };
}
