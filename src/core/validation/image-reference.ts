import { hasInvisible, invalid, shown, valid, type Validation } from './result.ts';

/** The parts of `[registry/]repository[:tag][@digest]`. Absent parts have no key at all (JSON round-trips). */
export interface ImageReference {
  /** Registry host with optional port, e.g. `contosoreg.azurecr.io` or `localhost:5000`. */
  registry?: string;
  /** Repository path inside the registry, e.g. `team/web`. */
  repository: string;
  tag?: string;
  /** `sha256:` and 64 lowercase hex digits. */
  digest?: string;
}

/** Options of {@link validateImageReference}. */
export interface ImageReferenceOptions {
  /** Allow ACR's `{{.Run.ID}}` placeholder in the tag, as `/acr build -t` does. @defaultValue false */
  allowRunId?: boolean;
}

// The OCI distribution reference grammar (distribution/reference, regexp.go):
//   path-component := [a-z0-9]+ (separator [a-z0-9]+)*,  separator := [._] | __ | [-]+
//   domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]; host := domain | [IPv6]
//   tag := [\w][\w.-]{0,127};  digest: only sha256 is accepted here (what ACR and Docker Hub use).
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const IPV6 = /^\[[a-fA-F0-9:.]+\]$/;
const PORT = /^[0-9]{1,5}$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
// ACR fills in the run id when it runs a build; the stand-in keeps the tag length check honest.
const RUN_ID_PLACEHOLDER = /\{\{\.Run\.ID\}\}/g;
const RUN_ID_STAND_IN = 'cb1';
/** distribution/reference's NameTotalLengthMax: registry, '/' and repository together. */
const MAX_NAME_LENGTH = 255;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

const FORM = 'image references look like [registry/]repository[:tag][@sha256:<64 hex>], e.g. contosoreg.azurecr.io/team/web:v1';

/**
 * Parses an image reference `[registry/]repository[:tag][@sha256:<64 hex>]`.
 *
 * The first path part is the registry when it contains `.` or `:` or is `localhost` (Docker's
 * rule). Docker also counts a first part with capitals as a host; here it is taken as a
 * repository with capitals, so `Team/web` gets "did you mean team/web" instead of a lookup of
 * a registry called Team.
 */
export function validateImageReference(text: string, options: ImageReferenceOptions = {}): Validation<ImageReference> {
  const fail = (why: string): Validation<ImageReference> => invalid(`Image ${shown(text)} ${why}; ${FORM}.`);
  if (text === '') return invalid(`The image is empty; ${FORM}.`);
  if (!PRINTABLE_ASCII.test(text) || hasInvisible(text)) return fail('has spaces, control or non-ASCII characters');

  const [nameAndTag = '', digest, ...extra] = text.split('@');
  if (extra.length > 0) return fail("has more than one '@'");
  if (digest !== undefined && !DIGEST.test(digest)) return fail('has an invalid digest: use sha256: and 64 lowercase hex digits');

  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  const name = colon > slash ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = colon > slash ? nameAndTag.slice(colon + 1) : undefined;
  if (name.length > MAX_NAME_LENGTH) return fail(`is longer than ${MAX_NAME_LENGTH} characters before the tag`);

  const parts = name.split('/');
  const first = parts[0] ?? '';
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : undefined;
  const repository = hasRegistry ? parts.slice(1).join('/') : name;

  if (registry !== undefined && !isRegistryHost(registry)) {
    return fail("has an invalid registry host: use letters, digits, '-' and '.', optionally with :PORT");
  }
  if (!repository.split('/').every((p) => PATH_COMPONENT.test(p))) {
    const lower = repository.toLowerCase();
    if (lower !== repository && lower.split('/').every((p) => PATH_COMPONENT.test(p))) {
      const fixed = `${registry === undefined ? '' : `${registry}/`}${lower}${text.slice(name.length)}`;
      return fail(`has capitals in its repository, which must be lowercase (did you mean ${shown(fixed)}?)`);
    }
    return fail("has an invalid repository: path parts are lowercase letters and digits, joined by '.', '_', '__' or '-', with '/' between parts");
  }
  if (tag !== undefined) {
    const checked = options.allowRunId === true ? tag.replace(RUN_ID_PLACEHOLDER, RUN_ID_STAND_IN) : tag;
    if (!TAG.test(checked)) return fail("has an invalid tag: use 1–128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
  }

  const reference: ImageReference = { repository };
  if (registry !== undefined) reference.registry = registry;
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return valid(reference);
}

function isRegistryHost(registry: string): boolean {
  const colon = registry.startsWith('[') ? registry.indexOf(']:') + 1 : registry.indexOf(':');
  const host = colon > 0 ? registry.slice(0, colon) : registry;
  const port = colon > 0 ? registry.slice(colon + 1) : undefined;
  if (port !== undefined && !PORT.test(port)) return false;
  return IPV6.test(host) || host.split('.').every((c) => DOMAIN_COMPONENT.test(c));
}
