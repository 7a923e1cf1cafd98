/**
 * Azure's and Slack's naming rules, checked before anything is queued. Every validator returns
 * `{ ok: true, value }` or `{ ok: false, problem }`, where `problem` is one friendly sentence
 * that names the valid form; none throws, whatever the input.
 */
export { ACI_LIMITS, validateCpu, validateMemoryInGB, type ResourceOptions } from './aci-resources.ts';
export { validateContainerGroupName } from './container-group-name.ts';
export { validateDnsNameLabel } from './dns-name-label.ts';
export { validateEnvVarName } from './env-var-name.ts';
export { validateImageReference, type ImageReference, type ImageReferenceOptions } from './image-reference.ts';
export { validateLocation, type LocationOptions } from './location.ts';
export { validateRegistryName } from './registry-name.ts';
export { MAX_SHOWN, hasInvisible, invalid, shown, valid, type Validation } from './result.ts';
export { validateSlackChannelId, validateSlackUserId, validateSlackUsergroupId } from './slack-ids.ts';
