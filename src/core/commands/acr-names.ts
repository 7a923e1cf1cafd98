import { validateRegistryName } from '../validation/registry-name.ts';
import { UsageError } from './errors.ts';
import { hasUnprintable, quoted } from './quoted.ts';

// Azure's and Docker's naming rules for the values `/acr build` takes. Each check says the
// valid form on failure, because "invalid name" alone leaves people guessing.

const REPO_COMPONENT = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
// ACR fills in the run id when it runs the build; the stand-in keeps tag length checks honest.
const RUN_ID_PLACEHOLDER = /\{\{\.Run\.ID\}\}/g;
const RUN_ID_STAND_IN = 'cb1';
/** Docker's limit on a full repository name. */
const MAX_REPOSITORY_LENGTH = 255;
const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENVIRONMENT = /^[a-z0-9][a-z0-9-]{0,31}$/;
// Dockerfile stage names (BuildKit): a letter, then letters, digits, '-', '_', '.'.
const STAGE = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
// Tabs and line breaks are fine in a build-arg value; other control characters are paste accidents.
const VALUE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

/** A registry name (or its login server) → the lowercase registry name. */
export function parseRegistryName(text: string, usage: string): string {
  // The shared rule strips a pasted login server and lowercases (one spelling for job data and logs).
  const checked = validateRegistryName(text);
  if (!checked.ok) throw new UsageError(`Registry ${quoted(text)} isn't a valid registry name: use 5–50 letters and digits, e.g. -r contosoreg.`, usage);
  return checked.value;
}

/** Checks an image reference `repo[:tag]` and returns it unchanged. */
export function parseImageName(text: string, usage: string): string {
  const fail = (why: string): never => {
    throw new UsageError(`Image ${quoted(text)} ${why}`, usage);
  };
  if (!PRINTABLE_ASCII.test(text)) fail('has characters that aren’t allowed: image names and tags are plain ASCII, e.g. -t web:v1.');
  if (text.includes('@')) fail('has a digest; a build needs a tag instead, e.g. -t web:v1.');
  const slash = text.lastIndexOf('/');
  const colon = text.lastIndexOf(':');
  const repository = colon > slash ? text.slice(0, colon) : text;
  const tag = colon > slash ? text.slice(colon + 1) : undefined;

  const components = repository.split('/');
  if (repository.length > MAX_REPOSITORY_LENGTH || !components.every((c) => REPO_COMPONENT.test(c))) {
    const lower = repository.toLowerCase();
    if (lower !== repository && lower.split('/').every((c) => REPO_COMPONENT.test(c))) {
      fail(`has capitals; repository names are lowercase, e.g. -t ${lower}${tag === undefined ? '' : `:${tag}`}.`);
    }
    fail('has an invalid repository name: use lowercase letters and digits, with . _ or - between them and / between path parts, e.g. -t team/web:v1.');
  }
  if (tag !== undefined && !TAG.test(tag.replace(RUN_ID_PLACEHOLDER, RUN_ID_STAND_IN))) {
    fail('has an invalid tag: use 1–128 letters, digits, _ . or - (not starting with . or -); {{.Run.ID}} is allowed, e.g. -t web:v1.');
  }
  return text;
}

/** Checks a `--build-arg` name. */
export function parseBuildArgName(name: string, usage: string): string {
  if (!BUILD_ARG_NAME.test(name)) {
    throw new UsageError(
      `Build-arg name ${quoted(name)} is invalid: use letters, digits and _, not starting with a digit, e.g. --build-arg APP_VERSION=1.2.`,
      usage,
    );
  }
  return name;
}

/** Checks a `--build-arg` value: anything printable, unicode included, plus tabs and newlines. */
export function parseBuildArgValue(name: string, value: string, usage: string): string {
  if (VALUE_CONTROL.test(value)) throw new UsageError(`The value of build-arg ${name} has control characters; remove them.`, usage);
  return value;
}

/** Checks an `--env` environment name. */
export function parseEnvironmentName(text: string, usage: string): string {
  if (!ENVIRONMENT.test(text)) {
    throw new UsageError(`Environment ${quoted(text)} is invalid: use up to 32 lowercase letters, digits and -, e.g. --env staging.`, usage);
  }
  return text;
}

/** `--env` when given, as a field to spread into a command (absent stays absent: job data is JSON). */
export function optionalEnvironment(text: string | undefined, usage: string): { environment?: string } {
  return text === undefined ? {} : { environment: parseEnvironmentName(text, usage) };
}

/** Repository paths: lowercase components separated by '/', per the OCI distribution spec. */
export const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** Checks a `--target` Dockerfile stage name. */
export function parseStageName(text: string, usage: string): string {
  if (!STAGE.test(text)) {
    throw new UsageError(`Stage ${quoted(text)} is invalid: a stage name starts with a letter, then letters, digits, _ . or -, e.g. --target runtime.`, usage);
  }
  return text;
}

/** Checks a `-f` Dockerfile path: relative and inside the build context. */
export function parseDockerfilePath(text: string, usage: string): string {
  const segments = text.split(/[\\/]/);
  const absolute = /^([\\/]|[A-Za-z]:)/.test(text);
  // Bidi overrides and invisible characters too: the path is shown on the card.
  if (text === '' || hasUnprintable(text) || absolute || segments.includes('..')) {
    throw new UsageError(`Dockerfile path ${quoted(text)} is invalid: give a path inside the build context, e.g. -f docker/Dockerfile.prod.`, usage);
  }
  return text;
}
