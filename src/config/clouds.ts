/** Endpoint defaults per Azure cloud (values from azure-cli's cloud.py). */
export const azureClouds = {
  AzurePublicCloud: {
    authorityHost: 'https://login.microsoftonline.com',
    resourceManager: 'https://management.azure.com',
    graph: 'https://graph.microsoft.com',
    portal: 'https://portal.azure.com',
    containerRegistryAudience: 'https://containerregistry.azure.net',
  },
  AzureChinaCloud: {
    authorityHost: 'https://login.chinacloudapi.cn',
    resourceManager: 'https://management.chinacloudapi.cn',
    graph: 'https://microsoftgraph.chinacloudapi.cn',
    portal: 'https://portal.azure.cn',
    containerRegistryAudience: 'https://containerregistry.azure.cn',
  },
  AzureUSGovernment: {
    authorityHost: 'https://login.microsoftonline.us',
    resourceManager: 'https://management.usgovcloudapi.net',
    graph: 'https://graph.microsoft.us',
    portal: 'https://portal.azure.us',
    containerRegistryAudience: 'https://containerregistry.azure.us',
  },
} as const;

export type AzureCloudName = keyof typeof azureClouds;

/** Authority hosts MSAL knows; any other host needs instance discovery turned off. */
export const knownAuthorityHosts: readonly string[] = Object.values(azureClouds).map((c) => c.authorityHost);
