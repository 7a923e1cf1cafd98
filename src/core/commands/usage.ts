/**
 * Usage texts shown with help and under every usage error. Plain text (the Slack layer
 * escapes it) with a few backticks; short, with one or two examples each.
 */

/** Usage of `/acr build`. */
export const ACR_BUILD_USAGE = [
  'Usage: `/acr build -t REPO[:TAG] [options] GIT_URL[#REF[:FOLDER]]`',
  'Builds an image with ACR from a git repository (push your code first).',
  'Options: `-r REGISTRY`, `-t REPO:TAG` (repeatable), `-f DOCKERFILE` (default Dockerfile), `--build-arg KEY=VALUE` (repeatable), `--platform linux/arm64` (default linux/amd64), `--target STAGE`, `--no-cache`, `--timeout SECONDS` (300–28800), `--git-access-token @kv:SECRET-NAME` (private repositories: a token the environment lists under gitAccessTokens), `--env ENVIRONMENT`.',
  'Examples:',
  '`/acr build -r contosoreg -t web:v1 -f Dockerfile https://github.com/org/app.git#main:src`',
  '`/acr build -t api:{{.Run.ID}} --build-arg VERSION=1.2 https://dev.azure.com/org/proj/_git/api#release`',
].join('\n');

/** Usage of `/acr` on its own: its subcommands. */
export const ACR_USAGE = [
  'Usage: `/acr SUBCOMMAND …`',
  'Subcommands:',
  '`/acr build` builds an image with Azure Container Registry from a git URL.',
  '`/acr task create|list|show|run|delete` manages ACR Tasks that rebuild on every commit.',
  '`/acr runs`, `/acr logs RUN_ID`, `/acr cancel RUN_ID` list runs, attach a log, cancel a run.',
  '`/acr repository list`, `/acr repository show-tags REPO` list repositories and tags with digests.',
  '`/acr show`, `/acr update --admin-enabled false`, `/acr replication list|show|create|delete` the registry and its geo-replicas.',
  '`/acr token create|list|rotate` repository-scoped tokens; passwords go to Key Vault (admins).',
  '`/acr promote --image REPO:TAG --from ENV --to ENV` imports a tag’s digest into another environment’s registry.',
  'Run `/acr build help` for its options.',
].join('\n');

/** Usage of `/ops job`. */
export const OPS_JOB_USAGE = [
  'Usage: `/ops job JOB_ID`',
  'Shows the state of a job the bot is running or ran. Job ids look like j0abc12def345.',
  'Example: `/ops job j0abc12def345`',
].join('\n');

/** Usage of `/ops audit`. */
export const OPS_AUDIT_USAGE = [
  'Usage: `/ops audit [--user @USER] [--env ENVIRONMENT] [--since DURATION] [--action ACTION] [--page CURSOR]`',
  'For admins: lists audited commands, approvals, rotations and cancellations, newest first.',
  '`--since` takes 30m, 24h, 7d or 2w. `--action` matches whole words of the action, e.g. deploy, build, approval.granted. `--page` takes the cursor a previous reply gave.',
  'Examples:',
  '`/ops audit --env prod --since 24h`',
  '`/ops audit --user @alice --action deploy`',
].join('\n');

/** Usage of `/ops whoami`. */
export const OPS_WHOAMI_USAGE = ['Usage: `/ops whoami`', 'Shows your Slack user id and what you may do in each environment.'].join('\n');

/** Usage of `/ops` on its own: its subcommands. */
export const OPS_USAGE = [
  'Usage: `/ops SUBCOMMAND …`',
  'Subcommands:',
  '`/ops job JOB_ID` shows the state of a job.',
  '`/ops audit [options]` lists the audit log (admins).',
  '`/ops whoami` shows your user id and permissions.',
  '`/ops help` lists every command.',
].join('\n');
