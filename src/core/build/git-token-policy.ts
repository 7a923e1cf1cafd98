import type { GitAccessTokens } from '../environments.ts';
import { quoted } from '../commands/quoted.ts';

/**
 * `scheme://[user@]host[:port]` followed by the path, the `#ref` or nothing. Only ASCII letters,
 * digits, `.` and `-` in the host: the host a token goes to must read the same to every parser
 * on the way (WHATWG here, Go's net/url in ACR, curl under git). WHATWG alone would map
 * full-width letters to ASCII and end the authority at `\`, where Go and curl do neither.
 */
const AUTHORITY = /^https:\/\/(?:[A-Za-z0-9._~-]+@)?([A-Za-z0-9.-]+)(?::(\d{1,5}))?(?=[/#]|$)/;

/**
 * The host (`host`, or `host:port` for a non-default port) a git URL sends its credentials to,
 * or `undefined` when the URL is not plain enough to be sure.
 */
export function gitHostOf(url: string): string | undefined {
  const match = AUTHORITY.exec(url);
  if (!match) return undefined;
  const port = match[2] === undefined || match[2] === '443' ? '' : `:${match[2]}`;
  const host = `${match[1]!.toLowerCase()}${port}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return parsed.host === host ? host : undefined;
}

/**
 * Why `secretName` may not be handed to ACR as the git token for `repositoryUrl` in this
 * environment, or `undefined` when `gitAccessTokens` allows it. A name that is not listed is
 * never repeated: it may be the name of any secret in the vault.
 */
export function gitTokenProblem(
  environment: string,
  allowed: GitAccessTokens | undefined,
  secretName: string,
  repositoryUrl: string,
): { text: string; hint: string } | undefined {
  const key = `environments.${environment}.gitAccessTokens`;
  const names = Object.keys(allowed ?? {});
  if (!allowed || names.length === 0) {
    return {
      text: `${environment} lets no git token out: --git-access-token needs the token's Key Vault secret listed under ${key} in chatops.yaml, with the git hosts it may go to.`,
      hint: `Ask the platform admin to list it, e.g. gitAccessTokens: { github-pat: [github.com] }.`,
    };
  }
  const hosts = Object.hasOwn(allowed, secretName) ? allowed[secretName]! : undefined;
  if (!hosts) {
    return {
      text: `That Key Vault secret is not one of the git tokens ${environment} allows (${key}).`,
      hint: `Use one of: ${names.map((n) => `@kv:${n} (${allowed[n]!.join(', ')})`).join(', ')}; or ask the platform admin to list yours.`,
    };
  }
  const host = gitHostOf(repositoryUrl);
  if (host === undefined) {
    return {
      text: `A git token only goes to a plain https://host/path URL with an ASCII host name, and ${quoted(repositoryUrl)} isn't one.`,
      hint: `Write the repository's URL as the git host shows it, e.g. https://${hosts[0]}/org/app.git.`,
    };
  }
  if (!hosts.includes(host)) {
    return {
      text: `Git token ${secretName} may only go to ${hosts.join(', ')}, and this repository is on ${host}.`,
      hint: `Use a token listed for ${host} under ${key}, or ask the platform admin to allow one.`,
    };
  }
  return undefined;
}
