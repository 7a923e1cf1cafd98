/**
 * Wire shapes of ACI (api 2023-05-01) as the emulator reads them from PUT bodies. Only the
 * fields the emulator acts on are typed; everything else in the body is echoed back as sent.
 */

/** `properties.containers[].properties.environmentVariables[]`. */
export interface EnvVarWire {
  name: string;
  value?: string;
  /** Write-only: accepted on PUT, never returned. */
  secureValue?: string;
}

/** `properties.containers[]`. */
export interface ContainerWire {
  name: string;
  properties: {
    image: string;
    command?: string[];
    ports?: { port: number; protocol?: string }[];
    environmentVariables?: EnvVarWire[];
    resources: { requests: { cpu: number; memoryInGB: number; gpu?: { count: number; sku: string } } };
    [key: string]: unknown;
  };
}

/** `properties.ipAddress`. */
export interface IpAddressWire {
  type: 'Public' | 'Private';
  ports: { port: number; protocol?: string }[];
  dnsNameLabel?: string;
  ip?: string;
  [key: string]: unknown;
}

/** A container group PUT body, after validation. */
export interface ContainerGroupWire {
  location: string;
  tags?: Record<string, string>;
  identity?: unknown;
  zones?: string[];
  properties: {
    containers: ContainerWire[];
    osType: string;
    restartPolicy?: string;
    ipAddress?: IpAddressWire;
    imageRegistryCredentials?: { server: string; username?: string; password?: string; identity?: string }[];
    subnetIds?: { id: string }[];
    /** The pre-2021-07-01 way to name the subnet. */
    networkProfile?: { id: string };
    [key: string]: unknown;
  };
}

/** Why a deployment fails (ARM error code and message). */
export interface AciFailure {
  code: string;
  message: string;
}
