/** Identifier and time formats Azure services use on the wire. */
import { createHash, randomUUID } from 'node:crypto';

/** A new lower-case GUID, the format of Azure request and correlation ids. */
export function guid(): string {
  return randomUUID();
}

/** A GUID derived from `seed`: stable object ids for the same client across emulator runs. */
export function stableGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `sha256:<64 hex>` digest of `seed`. */
export function digestOf(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

/** `n` hex characters derived from `seed` (container and layer ids in build logs). */
export function hexOf(seed: string, n = 12): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, n);
}

/** ISO 8601 without milliseconds (`2024-05-01T10:00:00Z`), as SAS `se` and AAD timestamps use. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
