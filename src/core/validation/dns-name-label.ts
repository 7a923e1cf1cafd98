import { invalid, shown, valid, type Validation } from './result.ts';

// ACI's own refusal of a bad `ipAddress.dnsNameLabel` (InvalidDnsNameLabel) says: "It can
// contain only lowercase letters, numbers and hyphens. The first character must be a letter.
// The last character must be a letter or number. The value must be between 5 and 63
// characters long." That is stricter than a plain DNS label (1–63), so ACI's 5 is used.
// Unsure: whether ACI also refuses '--' (plain DNS allows it, so it is allowed here).
// Uniqueness (per region, or per the dnsNameLabelReusePolicy scope) only Azure can check.
const LABEL = /^[a-z][a-z0-9-]{3,61}[a-z0-9]$/;

const RULE = "DNS name labels are 5–63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, e.g. web-staging";

/** Checks an ACI DNS name label (the `label` of label.region.azurecontainer.io); returns it unchanged. */
export function validateDnsNameLabel(text: string): Validation<string> {
  if (LABEL.test(text)) return valid(text);
  const lower = text.toLowerCase();
  const hint = lower !== text && LABEL.test(lower) ? `; did you mean ${shown(lower)}?` : '';
  return invalid(`${RULE} (got ${shown(text)})${hint === '' ? '.' : hint}`);
}
