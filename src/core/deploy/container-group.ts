/** One ARM container group: where it lives. */
export interface ContainerGroupRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** A resource group to list container groups in. */
export interface ResourceGroupRef {
  subscriptionId: string;
  resourceGroup: string;
}

export interface PortSpec {
  port: number;
  protocol?: 'TCP' | 'UDP';
}

/** `secureValue` is write-only in ACI: Azure never returns it, so views never carry it. */
export interface EnvironmentVariableSpec {
  name: string;
  value?: string;
  secureValue?: string;
}

export interface ContainerSpec {
  name: string;
  /** Pinned by digest (`server/repo@sha256:…`) so a moved tag cannot change what runs. */
  image: string;
  cpu: number;
  memoryInGB: number;
  /** Exposed ports; none when the group has no IP address (as `az container create`). */
  ports: PortSpec[];
  environmentVariables: EnvironmentVariableSpec[];
  command?: string[];
}

/** Pull credentials: a managed identity (resource id) or a username and password. */
export type RegistryCredentialSpec = { server: string; identity: string } | { server: string; username: string; password: string };

/** What to deploy, as plain data; the ACI adapter maps it onto the SDK model. */
export interface ContainerGroupSpec {
  location: string;
  containers: ContainerSpec[];
  /** Absent: no IP address. */
  ipAddress?: { type: 'Public' | 'Private'; ports: PortSpec[]; dnsNameLabel?: string };
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  osType: 'Linux';
  imageRegistryCredentials?: RegistryCredentialSpec[];
  /** Subnet resource ids, for groups inside a virtual network. */
  subnetIds?: string[];
  /** User-assigned managed identity resource ids. */
  identity?: string[];
}

/** One event ACI recorded, for the group or (with `container`) for one of its containers. */
export interface ContainerGroupEvent {
  time?: Date;
  type?: string;
  name?: string;
  message?: string;
  container?: string;
  count?: number;
}

export interface ContainerView {
  name: string;
  image: string;
  /** `Waiting`, `Running`, `Terminated`, … */
  state?: string;
  detailStatus?: string;
  exitCode?: number;
  restartCount?: number;
  /** Requested resources: ACI cannot change them in place. */
  cpu?: number;
  memoryInGB?: number;
  /** `<count> <sku>`, when the container has a GPU. */
  gpu?: string;
}

/** What a person needs to see about a group: no environment values, no registry passwords. */
export interface ContainerGroupView {
  id?: string;
  name: string;
  /** ARM's `provisioningState`: `Pending`, `Creating`, `Succeeded`, `Failed`, … */
  provisioningState?: string;
  /** The instance view state: `Pending`, `Running`, `Stopped`, … */
  state?: string;
  ip?: string;
  fqdn?: string;
  ports: PortSpec[];
  events: ContainerGroupEvent[];
  containers: ContainerView[];
  // What ACI cannot change in place (with `containers[].cpu/memoryInGB/gpu`), for plans.
  osType?: string;
  restartPolicy?: string;
  /** Absent: the group has no IP address. */
  ipAddressType?: 'Public' | 'Private';
  subnetIds?: string[];
}

/** One poll step of a deployment. */
export interface DeployPoll {
  done: boolean;
  /** Set when the deployment succeeded. */
  group?: ContainerGroupView;
  /** Set when it failed: Azure's code (e.g. `InaccessibleImage`) and message. */
  error?: { code?: string; message: string };
}
