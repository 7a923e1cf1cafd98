import {
  validateContainerGroupName,
  validateCpu,
  validateDnsNameLabel,
  validateImageReference,
  validateMemoryInGB,
  type ImageReference,
} from '../../validation/index.ts';
import { parseEnvironmentName } from '../acr-names.ts';
import { UsageError } from '../errors.ts';
import { parseFlags, type FlagSpec } from '../flags.ts';
import { quoted } from '../quoted.ts';
import { parseEnvironmentVariables, parseSecureEnvironmentVariables, type AciEnvironmentVariable, type AciSecureEnvironmentVariable } from './env-vars.ts';
import { ACI_CREATE_USAGE } from './usage.ts';
import { checked, parseChoice, parseCommandLine, parsePorts, parseSubnetId } from './values.ts';

/** A parsed `/aci create` (or `/aci deploy`): create or update one container group, as `az container create`. */
export interface AciCreateCommand {
  kind: 'aci.create';
  /** Container group name. */
  name: string;
  /** The image as parsed, plus the text as given; a reference without a registry means the environment's registry. */
  image: ImageReference & { text: string };
  /** Cores. @defaultValue 1 */
  cpu: number;
  /** @defaultValue 1.5 */
  memoryInGB: number;
  /** Distinct, in the order given; exposed only on an IP address. @defaultValue [80] */
  ports: number[];
  /** @defaultValue 'TCP' */
  protocol: 'TCP' | 'UDP';
  /** Absent with no `--dns-name-label` and no `--subnet`: the group gets no IP address, as with az. */
  ipAddress?: 'Public' | 'Private';
  dnsNameLabel?: string;
  /** @defaultValue 'Always' */
  restartPolicy: 'Always' | 'Never' | 'OnFailure';
  environmentVariables: AciEnvironmentVariable[];
  secureEnvironmentVariables: AciSecureEnvironmentVariable[];
  /** The container's command, split shell-style; absent means the image's entrypoint. */
  commandLine?: string[];
  /** Subnet resource id, for a container group inside a virtual network. */
  subnet?: string;
  /** Environment named with `--env`; absent means the channel's or the default. */
  environment?: string;
}

/** Flags of `/aci create`, named as in `az container create`. */
export const ACI_CREATE_FLAGS = [
  { name: 'name', short: 'n', kind: 'string', valueName: 'NAME' },
  { name: 'image', kind: 'string', valueName: 'IMAGE' },
  { name: 'cpu', kind: 'string', valueName: 'CORES' },
  { name: 'memory', kind: 'string', valueName: 'GB' },
  // Strings, not integers, so a bad port gets the 1–65535 rule rather than "not a whole number".
  { name: 'ports', kind: 'string', multiple: true, valueName: 'PORT' },
  { name: 'protocol', kind: 'string', valueName: 'TCP|UDP' },
  { name: 'ip-address', kind: 'string', valueName: 'Public|Private' },
  { name: 'dns-name-label', kind: 'string', valueName: 'LABEL' },
  { name: 'restart-policy', kind: 'string', valueName: 'Always|Never|OnFailure' },
  { name: 'environment-variables', kind: 'keyValue', multiple: true, valueName: 'KEY=VALUE' },
  // Strings, not keyValue: parseFlags echoes a malformed KEY=VALUE, and this one may be a secret.
  { name: 'secure-environment-variables', kind: 'string', multiple: true, valueName: 'KEY=@kv:SECRET-NAME' },
  { name: 'command-line', kind: 'string', valueName: '"CMD ARGS"' },
  { name: 'subnet', kind: 'string', valueName: 'SUBNET_RESOURCE_ID' },
  { name: 'env', kind: 'string', valueName: 'ENVIRONMENT' },
] as const satisfies readonly FlagSpec[];

const PROTOCOLS = ['TCP', 'UDP'] as const;
const IP_ADDRESS_TYPES = ['Public', 'Private'] as const;
const RESTART_POLICIES = ['Always', 'Never', 'OnFailure'] as const;

/**
 * Parses the words after `/aci create`.
 *
 * @throws UsageError (with the `/aci create` usage) for any mistake; none echoes a
 * `--secure-environment-variables` value.
 */
export function parseAciCreate(tokens: string[]): AciCreateCommand {
  const usage = ACI_CREATE_USAGE;
  const { values, positionals } = parseFlags(tokens, ACI_CREATE_FLAGS, usage);
  const secureWords = values['secure-environment-variables'];

  const [first] = positionals;
  if (first !== undefined) {
    // A stray word after `--` could be part of a secret when secure variables are given.
    const shown = secureWords === undefined ? ` ${quoted(first)}` : '';
    throw new UsageError(`Unexpected word${shown}: /aci create takes only options; quote values that contain spaces.`, usage);
  }
  if (values.name === undefined) throw new UsageError('Name the container group with -n, e.g. -n web.', usage);
  if (values.image === undefined) throw new UsageError('Give the image with --image, e.g. --image web:v1.', usage);

  const environmentVariables = parseEnvironmentVariables(values['environment-variables'] ?? [], usage);
  const secureEnvironmentVariables = parseSecureEnvironmentVariables(secureWords ?? [], usage);
  const clash = secureEnvironmentVariables.find((s) => environmentVariables.some((e) => e.name === s.name));
  if (clash !== undefined) {
    throw new UsageError(`${clash.name} is in both --environment-variables and --secure-environment-variables; give it in one of them.`, usage);
  }

  const command: AciCreateCommand = {
    kind: 'aci.create',
    name: checked('-n', validateContainerGroupName(values.name), usage),
    image: { ...checked('--image', validateImageReference(values.image), usage), text: values.image },
    cpu: values.cpu === undefined ? 1 : checked('--cpu', validateCpu(values.cpu), usage),
    memoryInGB: values.memory === undefined ? 1.5 : checked('--memory', validateMemoryInGB(values.memory), usage),
    ports: values.ports === undefined ? [80] : parsePorts(values.ports, usage),
    protocol: values.protocol === undefined ? 'TCP' : parseChoice('--protocol', values.protocol, PROTOCOLS, usage),
    restartPolicy: values['restart-policy'] === undefined ? 'Always' : parseChoice('--restart-policy', values['restart-policy'], RESTART_POLICIES, usage),
    environmentVariables,
    secureEnvironmentVariables,
  };
  // Optional keys are set only when given: job data is JSON and `undefined` would not round-trip.
  if (values['ip-address'] !== undefined) command.ipAddress = parseChoice('--ip-address', values['ip-address'], IP_ADDRESS_TYPES, usage);
  if (values['dns-name-label'] !== undefined) command.dnsNameLabel = checked('--dns-name-label', validateDnsNameLabel(values['dns-name-label']), usage);
  if (values['command-line'] !== undefined) command.commandLine = parseCommandLine(values['command-line'], usage);
  if (values.subnet !== undefined) command.subnet = parseSubnetId(values.subnet, usage);
  if (values.env !== undefined) command.environment = parseEnvironmentName(values.env, usage);
  checkNetworking(command, usage, values.ports !== undefined);
  return command;
}

/** Combinations ACI itself refuses, caught before anything is queued. */
function checkNetworking(command: AciCreateCommand, usage: string, portsGiven: boolean): void {
  // az drops --ports silently when the group gets no IP address; saying so is kinder.
  if (portsGiven && command.ipAddress === undefined && command.dnsNameLabel === undefined && command.subnet === undefined) {
    throw new UsageError(
      '--ports are exposed on an IP address, and this group gets none: add --ip-address Public (or --dns-name-label LABEL), or --subnet for a private address.',
      usage,
    );
  }
  if (command.dnsNameLabel !== undefined && command.ipAddress === 'Private') {
    throw new UsageError('--dns-name-label needs a public IP address: drop --ip-address Private, or drop the label.', usage);
  }
  // ACI gives container groups in a virtual network private addresses only.
  if (command.subnet !== undefined && command.ipAddress === 'Public') {
    throw new UsageError('A container group in a --subnet can only have a private IP address: use --ip-address Private, or drop --subnet.', usage);
  }
  if (command.subnet !== undefined && command.dnsNameLabel !== undefined) {
    throw new UsageError('A container group in a --subnet has no public DNS name: drop --dns-name-label, or drop --subnet.', usage);
  }
}
