import { UsageError } from './errors.ts';
import { quoted } from './quoted.ts';

/** Build platform as ACR's `PlatformProperties` wants it. */
export interface Platform {
  os: 'Linux' | 'Windows';
  architecture: 'amd64' | 'x86' | '386' | 'arm' | 'arm64';
  variant?: 'v6' | 'v7' | 'v8';
}

/** `az acr build`'s default platform. */
export const DEFAULT_PLATFORM: Readonly<Platform> = { os: 'Linux', architecture: 'amd64' };

const OSES: Readonly<Record<string, Platform['os']>> = { linux: 'Linux', windows: 'Windows' };

// Kernel-style names (uname -m) people often type, mapped to the OCI names ACR uses.
const ARCHITECTURES: Readonly<Record<string, Platform['architecture']>> = {
  amd64: 'amd64',
  x86_64: 'amd64',
  x86: 'x86',
  '386': '386',
  i386: '386',
  arm: 'arm',
  arm64: 'arm64',
  aarch64: 'arm64',
};

// Variants only mean something for ARM: v6/v7 for 32-bit, v8 for 64-bit.
const VARIANTS: Readonly<Partial<Record<Platform['architecture'], readonly NonNullable<Platform['variant']>[]>>> = {
  arm: ['v6', 'v7'],
  arm64: ['v8'],
};

/**
 * Parses `--platform OS[/ARCH[/VARIANT]]` (case-insensitive), e.g. `linux`, `linux/arm64`,
 * `linux/arm/v7`, `windows/amd64`. The architecture defaults to amd64, as in az.
 *
 * @throws UsageError naming the valid values.
 */
export function parsePlatform(text: string, usage: string): Platform {
  const parts = text.toLowerCase().split('/');
  const [osName = '', archName, variantName, ...extra] = parts;
  const os = Object.hasOwn(OSES, osName) ? OSES[osName] : undefined;
  const architecture = archName === undefined ? 'amd64' : Object.hasOwn(ARCHITECTURES, archName) ? ARCHITECTURES[archName] : undefined;
  if (os === undefined || architecture === undefined || extra.length > 0) {
    throw new UsageError(
      `Unknown platform ${quoted(text)}: use OS[/ARCH[/VARIANT]] with OS linux or windows and ARCH amd64, arm64, arm, x86 or 386, e.g. linux/arm64 or linux/arm/v7.`,
      usage,
    );
  }
  if (variantName === undefined) return { os, architecture };
  const allowed = VARIANTS[architecture] ?? [];
  const variant = allowed.find((v) => v === variantName);
  if (variant === undefined) {
    const hint = allowed.length === 0 ? `${architecture} has no variants` : `use ${allowed.join(' or ')}`;
    throw new UsageError(`Unknown variant ${quoted(variantName)} for ${architecture} in --platform: ${hint}, e.g. linux/arm/v7.`, usage);
  }
  return { os, architecture, variant };
}
