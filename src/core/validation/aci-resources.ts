import { invalid, shown, valid, type Validation } from './result.ts';

/**
 * ACI's limits for one Linux container group without GPUs, as assumed here: up to 4 cores and
 * 16 GB in most regions (the "standard" column of ACI's region availability table; some regions
 * offer less, and big-container SKUs more; the location capabilities API is the authority, and
 * callers that read it pass their own `max`). Memory must be a multiple of 0.1 GB (ACI refuses
 * other values). CPU is taken to hundredths of a core, the precision ACI accepts from
 * virtual-kubelet; the 0.1-core minimum is an assumption.
 */
export const ACI_LIMITS = {
  cpu: { min: 0.1, max: 4, decimals: 2 },
  memoryInGB: { min: 0.1, max: 16, decimals: 1 },
} as const;

/** Options of {@link validateCpu} and {@link validateMemoryInGB}. */
export interface ResourceOptions {
  /** A region's own maximum, e.g. from ACI's location capabilities. */
  max?: number;
}

// Plain decimals only: `1e1`, `0x10`, `Infinity` and `1,5` are not what anyone means by a size.
const DECIMAL = /^(\d{1,3})(?:\.(\d{1,6}))?$/;
const GB_SUFFIX = /\s*(?:gb|g)$/i;
// Longer text is no amount; refusing it first keeps GB_SUFFIX's \s* off long runs of spaces.
const MAX_INPUT = 24;

/** Checks an ACI CPU request in cores, e.g. `1`, `0.5`, `2.25`; returns the number. */
export function validateCpu(text: string | number, options: ResourceOptions = {}): Validation<number> {
  const { min, decimals } = ACI_LIMITS.cpu;
  const max = options.max ?? ACI_LIMITS.cpu.max;
  const rule = `CPU is ${min}–${max} cores with at most ${decimals} decimals, e.g. 1 or 0.5`;
  return checkAmount(String(text).trim(), { min, max, decimals }, rule);
}

/** Checks an ACI memory request in GB, e.g. `1.5` or `1.5GB`; returns the number of GB. */
export function validateMemoryInGB(text: string | number, options: ResourceOptions = {}): Validation<number> {
  const { min, decimals } = ACI_LIMITS.memoryInGB;
  const max = options.max ?? ACI_LIMITS.memoryInGB.max;
  const rule = `Memory is ${min}–${max} GB in steps of 0.1, e.g. 1.5`;
  const raw = String(text).trim();
  if (raw.length > MAX_INPUT) return invalid(`${rule} (got ${shown(raw)}).`);
  // MB values are a common slip; say so rather than just "out of range".
  if (/^\d+\s*(?:mb|mi|mib|m)$/i.test(raw)) return invalid(`${rule} (got ${shown(raw)}; give GB, so 512MB is 0.5).`);
  return checkAmount(raw.replace(GB_SUFFIX, ''), { min, max, decimals }, rule, raw);
}

function checkAmount(text: string, limits: { min: number; max: number; decimals: number }, rule: string, original = text): Validation<number> {
  const match = DECIMAL.exec(text);
  const fraction = match?.[2]?.replace(/0+$/, '') ?? '';
  const value = match === null ? Number.NaN : Number(text);
  if (Number.isNaN(value) || fraction.length > limits.decimals || value < limits.min || value > limits.max) {
    return invalid(`${rule} (got ${shown(original)}).`);
  }
  return valid(value);
}
