import { KEY_VAULT_PREFIX, SECRET_NAME } from './aci/env-vars.ts';
import { UsageError } from './errors.ts';
import { clipped, hasUnprintable, quoted } from './quoted.ts';

/** Where ACR fetches the build context: an https git URL with an optional ref and folder. */
export interface GitSource {
  /** The repository URL, without the `#ref:folder` fragment. */
  url: string;
  /** Branch, tag or commit after `#`; absent means the default branch. */
  ref?: string;
  /** Folder inside the repository used as the build context, after `#ref:`. */
  subfolder?: string;
  /** As typed, for ACR's sourceLocation */
  location: string;
}

const EXAMPLE = 'https://github.com/org/app.git#main';
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
// A bare host and path (github.com/org/app.git): the user only left out https://.
const HOST_AND_PATH = /^[a-z0-9-]+(\.[a-z0-9-]+)+\/\S/i;
// Git ref rules (git check-ref-format), minus the rare ones; whitespace and controls never.
const BAD_REF = /[\s\u0000-\u001f\u007f~^:?*[\\]|\.\.|@\{|^[-/.]|[/.]$|\.lock$/;
const BAD_FOLDER = /[\s\u0000-\u001f\u007f\\]|^\/|(^|\/)\.\.(\/|$)/;

/**
 * Parses the source of `/acr build`: `https://…` ending in `.git`, or an Azure DevOps
 * `_git` URL (dev.azure.com or *.visualstudio.com), optionally followed by `#ref[:subfolder]`.
 * These are the git URLs `az acr build` hands to ACR; the bot never uploads local files,
 * so local paths and tarball URLs are refused with a pointer to the right form.
 *
 * @throws UsageError explaining what form to use instead.
 */
export function parseGitSource(text: string, usage: string): GitSource {
  const fail: (message: string) => never = (message) => {
    throw new UsageError(message, usage);
  };
  const hash = text.indexOf('#');
  const base = hash === -1 ? text : text.slice(0, hash);
  const fragment = hash === -1 ? undefined : text.slice(hash + 1);
  const scheme = SCHEME.exec(base)?.[1]?.toLowerCase();

  if (/^git@/i.test(text) || scheme === 'ssh' || scheme === 'git') {
    fail(`SSH and git:// URLs aren't supported; use the repository's https URL, e.g. ${EXAMPLE}.`);
  }
  if (scheme === undefined && !HOST_AND_PATH.test(base)) {
    fail(`${quoted(text)} isn't a git URL, and I can only build from git: push your code, then pass its https URL, e.g. ${EXAMPLE}.`);
  }
  // Suggestions below echo the URL back; it must not carry anything that garbles a reply.
  if (/\s/u.test(text) || hasUnprintable(text)) fail(`The git URL ${quoted(text)} contains spaces or control characters; remove them.`);
  if (scheme === undefined) fail(`Add https:// in front of the git URL: https://${clipped(text)}`);
  if (scheme === 'http') fail(`Use https, not http: https://${clipped(text.slice('http://'.length))}`);
  if (scheme !== 'https') fail(`Only https git URLs are supported, not ${clipped(scheme)}://; e.g. ${EXAMPLE}.`);

  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return fail(`${quoted(base)} isn't a valid URL; e.g. ${EXAMPLE}.`);
  }
  checkCredentials(url, fail);
  if (url.search !== '') fail(`Remove the ?query from the git URL; pick a branch and folder with #branch:folder, e.g. ${EXAMPLE}:src.`);
  if (!isGitUrl(url)) fail(notGitMessage(base));

  const source: GitSource = { url: base, location: text };
  if (fragment !== undefined) {
    const colon = fragment.indexOf(':');
    const ref = colon === -1 ? fragment : fragment.slice(0, colon);
    const subfolder = colon === -1 ? '' : fragment.slice(colon + 1);
    if (ref !== '') {
      if (BAD_REF.test(ref)) fail(`${quoted(ref)} isn't a valid git branch, tag or commit; write #branch or #branch:folder after the URL.`);
      source.ref = ref;
    }
    if (subfolder !== '') {
      if (BAD_FOLDER.test(subfolder)) fail(`${quoted(subfolder)} isn't a valid folder: give a path inside the repository, like #main:src/web.`);
      source.subfolder = subfolder;
    }
  }
  return source;
}

function isGitUrl(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (url.pathname.toLowerCase().endsWith('.git')) return true;
  const azureDevOps = host === 'dev.azure.com' || host.endsWith('.visualstudio.com');
  return azureDevOps && /\/_git\/[^/]+/.test(url.pathname);
}

/**
 * Tokens pasted into a URL would be stored in the job and shown in Slack. The one user name
 * allowed is the organisation that Azure DevOps puts in its clone URLs (https://org@dev.azure.com/org/…).
 */
function checkCredentials(url: URL, fail: (message: string) => never): void {
  if (url.username === '' && url.password === '') return;
  const org = url.pathname.split('/')[1] ?? '';
  const devOpsOrg = url.hostname.toLowerCase() === 'dev.azure.com' && url.password === '' && url.username.toLowerCase() === org.toLowerCase();
  if (!devOpsOrg)
    fail(
      'Remove the user name or token from the git URL (never paste credentials into Slack). For a private repository, put a token in the environment’s Key Vault and pass --git-access-token @kv:SECRET-NAME.',
    );
}

function notGitMessage(base: string): string {
  // A GitHub page URL (…/tree/branch/folder) is a common paste; offer the equivalent git URL.
  const tree = /^https:\/\/github\.com\/([^/]+)\/([^/]+)\/tree\/([^/]+)(?:\/(.+?))?\/?$/i.exec(base);
  if (tree) {
    const [, owner, repo, branch, folder] = tree;
    return `That's a GitHub page, not a git URL; try ${clipped(`https://github.com/${owner}/${repo}.git#${branch}${folder === undefined ? '' : `:${folder}`}`)}`;
  }
  return `${quoted(base)} isn't a git URL: end it with .git (${clipped(`${base.replace(/\/+$/, '')}.git`)}) or use an Azure DevOps …/_git/… URL.`;
}

/**
 * `--git-access-token` takes only `@kv:SECRET-NAME`. Whatever else was typed may be a real
 * token, so it is never echoed back (nor recorded: usage errors are audited with their message).
 */
export function parseGitTokenReference(text: string, usage: string): string {
  if (!text.startsWith(KEY_VAULT_PREFIX)) {
    throw new UsageError(
      '--git-access-token must be a Key Vault reference, not the token: chat history is not a secret store. Put the token in the environment’s Key Vault (and revoke it if it was real), then write --git-access-token @kv:SECRET-NAME, e.g. @kv:github-pat.',
      usage,
    );
  }
  const name = text.slice(KEY_VAULT_PREFIX.length);
  if (!SECRET_NAME.test(name)) throw new UsageError('Key Vault secret names are 1–127 letters, digits and -, e.g. --git-access-token @kv:github-pat.', usage);
  return name;
}
