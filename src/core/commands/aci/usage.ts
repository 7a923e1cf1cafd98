/**
 * Usage texts of `/aci`, shown with help and under every usage error. Plain text (the Slack
 * layer escapes it) with a few backticks, named and shaped like `az container`.
 */

/** Usage of `/aci create` (alias `/aci deploy`). */
export const ACI_CREATE_USAGE = [
  'Usage: `/aci create -n NAME --image IMAGE [options]` (or `/aci deploy …`)',
  'Creates or updates an Azure Container Instances container group. A short image like web:v1 means the environment’s registry.',
  'Options: `--cpu CORES` (default 1), `--memory GB` (default 1.5), `--ports 80 443` (default 80), `--protocol TCP|UDP` (default TCP), `--ip-address Public|Private`, `--dns-name-label LABEL`, `--restart-policy Always|Never|OnFailure` (default Always), `--environment-variables KEY=VALUE …`, `--secure-environment-variables KEY=@kv:SECRET-NAME …`, `--command-line "CMD ARGS"`, `--subnet SUBNET_RESOURCE_ID`, `--env ENVIRONMENT`.',
  'As with `az container create`, the group gets an IP address only with `--ip-address Public`, a `--dns-name-label` or a `--subnet` (private); `--ports` need one.',
  'Changing CPU, memory, restart policy, IP address or subnet of an existing group replaces it (delete, then create): the plan says so and waits for your Confirm (or the approvers).',
  'Secrets never go in chat: `--secure-environment-variables` only takes Key Vault references, `NAME=@kv:secret-name`.',
  'Examples:',
  '`/aci create -n web --image web:v1 --ports 80 443 --dns-name-label contoso-web --env staging`',
  '`/aci create -n worker --image team/worker:2.1 --restart-policy OnFailure --secure-environment-variables DB_PASSWORD=@kv:db-password`',
].join('\n');

/** What each lifecycle subcommand does, for its usage line. */
const LIFECYCLE_SUMMARIES = {
  show: 'Shows a container group’s state, image, IP address and FQDN.',
  restart: 'Restarts every container of a container group in place.',
  stop: 'Stops a container group (billing stops; the group is kept).',
  start: 'Starts a stopped container group.',
  delete: 'Deletes a container group.',
} as const;

/** A subcommand that takes only `-n NAME` and `--env`. */
export type AciLifecycleVerb = keyof typeof LIFECYCLE_SUMMARIES;

/** The lifecycle subcommands, in the order help lists them. */
export const ACI_LIFECYCLE_VERBS = Object.keys(LIFECYCLE_SUMMARIES) as AciLifecycleVerb[];

/** Usage of a lifecycle subcommand: `/aci show`, `/aci restart`, … */
export function aciLifecycleUsage(verb: AciLifecycleVerb): string {
  return [`Usage: \`/aci ${verb} -n NAME [--env ENVIRONMENT]\``, LIFECYCLE_SUMMARIES[verb], `Example: \`/aci ${verb} -n web --env staging\``].join('\n');
}

/** Usage of `/aci logs`. */
export const ACI_LOGS_USAGE = [
  'Usage: `/aci logs -n NAME [--container-name CONTAINER] [--tail LINES] [--env ENVIRONMENT]`',
  'Shows a container’s recent log lines. `--tail` is 1–10000 lines; `--container-name` picks one container of a multi-container group.',
  'Example: `/aci logs -n web --tail 100 --env staging`',
].join('\n');

/** Usage of `/aci list`. */
export const ACI_LIST_USAGE = [
  'Usage: `/aci list [--env ENVIRONMENT]`',
  'Lists the container groups of an environment with their state.',
  'Example: `/aci list --env staging`',
].join('\n');

/** Usage of `/aci` on its own: its subcommands. */
export const ACI_USAGE = [
  'Usage: `/aci SUBCOMMAND …`',
  'Subcommands:',
  '`/aci create -n NAME --image IMAGE [options]` creates a container group (alias `deploy`).',
  '`/aci show|restart|stop|start|delete -n NAME` acts on one container group.',
  '`/aci logs -n NAME [--tail LINES]` shows a container’s logs.',
  '`/aci list` lists the container groups.',
  '`/aci promote -n NAME --from ENV --to ENV` promotes the digest running in one environment to another (import by digest, then a deploy with the target’s approval).',
  'Add `help` for a subcommand’s options, e.g. `/aci create help`.',
].join('\n');
