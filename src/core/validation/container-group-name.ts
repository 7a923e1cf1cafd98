import { invalid, shown, valid, type Validation } from './result.ts';

// Microsoft.ContainerInstance/containerGroups (Azure resource naming rules, and the
// `containerGroupName` docs): 1–63 lowercase letters, digits and '-', not starting or ending
// with '-', no '--'. Unique within the resource group.
const NAME = /^[a-z0-9](?:-?[a-z0-9])*$/;
const MAX_LENGTH = 63;

const RULE = "Container group names are 1–63 lowercase letters, digits and '-', not starting or ending with '-' and without '--', e.g. web-1";

/** Checks an Azure Container Instances container group name; returns it unchanged. */
export function validateContainerGroupName(text: string): Validation<string> {
  if (text.length <= MAX_LENGTH && NAME.test(text)) return valid(text);
  // Capitals are the common slip, and the fix is obvious: offer it.
  const lower = text.toLowerCase();
  const hint = lower !== text && lower.length <= MAX_LENGTH && NAME.test(lower) ? `; did you mean ${shown(lower)}?` : '';
  return invalid(`${RULE} (got ${shown(text)})${hint === '' ? '.' : hint}`);
}
