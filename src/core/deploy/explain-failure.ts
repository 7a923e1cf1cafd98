import { AzureOperationError } from '../azure-errors.ts';

/** ARM's code for a PUT that would change what ACI cannot change in place (see immutable-changes.ts). */
const inPlaceRefusalCode = 'InvalidContainerGroupUpdate';

/** Whether ARM refused a PUT because the change needs the group deleted first. */
export function isInPlaceRefusal(err: unknown): boolean {
  return err instanceof AzureOperationError && err.azureCode === inPlaceRefusalCode;
}

/** What went wrong with a deploy, in plain words, with the next step. */
export function explainDeployFailure(
  error: { code?: string; message: string },
  context: { name: string; image: string; location: string },
): { text: string; hint: string } {
  const code = error.code ?? '';
  const azure = `Azure said: ${error.message}`;
  if (code === inPlaceRefusalCode) {
    return {
      text: `Azure cannot change the CPU, memory, GPU, restart policy, OS type, IP address type or subnet of ${context.name} in place, and this deploy would: the group changed since the plan was made. ${azure}`,
      hint: 'Press Plan replacement for a new plan that deletes the group, then creates it (downtime until it is Running again); it asks for confirmation (or approval) like any plan.',
    };
  }
  if (code === 'InaccessibleImage' || /RegistryErrorResponse|ImagePull/i.test(code)) {
    return {
      text: `ACI could not pull ${context.image}. ${azure}`,
      hint: 'Check that the image still exists and that the environment’s registryCredentials (managed identity with AcrPull, or the service principal in Key Vault) can pull from that registry.',
    };
  }
  if (/Unauthorized|Authentication|Forbidden/i.test(code)) {
    return {
      text: `The registry refused the pull credentials for ${context.image}. ${azure}`,
      hint: 'Ask the platform admin to check registryCredentials for this environment (and that the secret in Key Vault is current).',
    };
  }
  if (/Quota|ResourceRequestsNotAvailable|ServiceUnavailable|Capacity/i.test(code)) {
    return {
      text: `There is not enough ACI capacity or quota in ${context.location} for ${context.name}. ${azure}`,
      hint: 'Ask for less CPU or memory, delete container groups you no longer use, or request a quota increase for this subscription.',
    };
  }
  if (/DnsNameLabel|AlreadyInUse|Conflict/i.test(code)) {
    return {
      text: `The name or DNS label of ${context.name} is already taken in ${context.location}. ${azure}`,
      hint: 'Pick another --dns-name-label (labels are unique per region), or another -n name.',
    };
  }
  return {
    text: `Deploying ${context.name} failed${code ? ` (${code})` : ''}. ${azure}`,
    hint: 'Fix what Azure reports and run /aci create again; the Rollback button redeploys the previous known-good image.',
  };
}

/** A rejected ARM call during a deploy, explained like a failed operation when it has an Azure error code. */
export function explainDeployError(err: unknown, context: { name: string; image: string; location: string }): { text: string; hint: string } | undefined {
  if (err instanceof AzureOperationError && err.azureCode && err.statusCode !== undefined && err.statusCode < 500) {
    return explainDeployFailure({ code: err.azureCode, message: err.message }, context);
  }
  return undefined;
}

/** A rejected ACI call, in words about container groups rather than registries. */
export function explainAciError(
  err: unknown,
  context: { name: string; environment: string; resourceGroup: string },
): { text: string; hint: string } | undefined {
  if (!(err instanceof AzureOperationError)) return undefined;
  if (err.statusCode === 404 && context.name) {
    return {
      text: `There is no container group ${context.name} in ${context.environment} (resource group ${context.resourceGroup}).`,
      hint: `/aci list --env ${context.environment} shows the container groups there.`,
    };
  }
  if (err.statusCode === 404) {
    return {
      text: `Resource group ${context.resourceGroup} of ${context.environment} was not found. ${err.message}`,
      hint: 'The platform admin should check subscriptionId and resourceGroup of this environment in chatops.yaml.',
    };
  }
  if (err.statusCode === 403) {
    return {
      text: err.message,
      hint: `The bot’s identity needs Contributor (or a role with Microsoft.ContainerInstance/containerGroups/*) on resource group ${context.resourceGroup}; ask the platform admin.`,
    };
  }
  return undefined;
}
