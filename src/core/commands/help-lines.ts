/**
 * The lines of `/ops help`, each shared by the specs it describes. Lines are grouped by the
 * role they need, so that the help a person sees lists what they may run (looking, changing).
 */
export const HELP_LINES = {
  build: '`/acr build -t REPO:TAG [options] GIT_URL` builds an image with ACR from git; `/acr cancel RUN_ID` cancels a run.',
  registryLook:
    '`/acr show`, `/acr runs`, `/acr logs RUN_ID`, `/acr repository list|show-tags REPO`, `/acr replication list|show`, `/acr task list|show` look at the registry.',
  tasks: '`/acr task create|run|delete --name NAME …` ACR Tasks that rebuild on every commit.',
  registryChange: '`/acr update --admin-enabled false`, `/acr replication create|delete --location L` change the registry.',
  taskSubscribe: '`/acr task subscribe|unsubscribe --name NAME [--channel #C]` announces a task’s runs (pushes, triggers) in a channel and follows them.',
  acrPromote: '`/acr promote --image REPO:TAG --from ENV --to ENV` copies a tag’s digest into another environment’s registry.',
  tokens: '`/acr token create|list|rotate --name TOKEN` repository-scoped tokens; passwords live in Key Vault (admins).',
  aciDeploy: '`/aci create -n NAME --image IMAGE [options]` deploys a container group (approval where required).',
  aciChange: '`/aci restart|stop|start|delete -n NAME` changes a container group.',
  aciPromote:
    '`/aci promote -n NAME --from ENV --to ENV` promotes the digest running in one environment to another (import by digest, then a deploy with the target’s approval).',
  aciLook: '`/aci show|logs -n NAME`, `/aci list` look at container groups.',
  sp: '`/sp expiring [--days N]`, `/sp list`, `/sp show --app A`, `/sp rotate --app A` client secrets of app registrations: expiry and rotation (admins).',
  opsJob: '`/ops job JOB_ID` shows the state of a job.',
  opsWhoami: '`/ops whoami` shows your user id and your roles in each environment.',
  opsAudit: '`/ops audit [--user @USER] [--env ENV] [--since 24h] [--action ACTION]` lists the audit log (admins).',
} as const;
