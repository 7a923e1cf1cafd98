/**
 * Azure Resource Manager's error envelope, `{"error":{"code","message"}}`, with the codes and
 * wording ARM uses, so `RestError.code` / `.details` look as they do against Azure.
 */
import { json } from './http.ts';
import type { Reply } from './http.ts';

/** An ARM error answer. */
export function armError(status: number, code: string, message: string, headers: Record<string, string | number> = {}): Reply {
  return json(status, { error: { code, message } }, headers);
}

const AUDIENCES = "'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'";

/**
 * The 401s ARM answers for each way a bearer token can be wrong: codes and messages as the ARM
 * troubleshooting pages and public error reports quote them (learn.microsoft.com/azure/
 * azure-resource-manager/troubleshooting/common-deployment-errors); the WWW-Authenticate values assumed.
 */
export const authErrors = {
  missing: () =>
    armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", {
      'WWW-Authenticate':
        'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
    }),
  malformed: () =>
    armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.", {
      'WWW-Authenticate':
        'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of an invalid \'Authorization\' header."',
    }),
  unknown: () =>
    armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', {
      'WWW-Authenticate': 'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The access token is invalid."',
    }),
  expired: (expiresAt: Date, now: number) =>
    armError(
      401,
      'ExpiredAuthenticationToken',
      `The access token expiry UTC time '${expiresAt.toUTCString()}' is earlier than current UTC time '${new Date(now).toUTCString()}'.`,
      {
        'WWW-Authenticate': 'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The access token has expired."',
      },
    ),
  audience: (audience: string, emulatorUrl: string) =>
    armError(
      401,
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences '${emulatorUrl}/','${emulatorUrl}',${AUDIENCES}.`,
      {
        'WWW-Authenticate':
          'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The access token has been obtained for wrong audience."',
      },
    ),
};

/** 400 when `api-version` is absent (MissingApiVersionParameter: common-deployment-errors). */
export function missingApiVersion(): Reply {
  return armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
}

/** 400 when the resource type does not exist in the requested api-version (NoRegisteredProviderFound: …/troubleshooting/error-register-resource-provider). */
export function unsupportedApiVersion(version: string, resourceType: string, supported: string, location: string): Reply {
  return armError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location}' and API version '${version}' for type '${resourceType}'. The supported api-versions are '${supported}'. The supported locations are '${location}'.`,
  );
}

/** 404 for an unknown subscription (SubscriptionNotFound: common-deployment-errors). */
export function subscriptionNotFound(subscriptionId: string): Reply {
  return armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
}

/** 404 for an unknown resource group (ResourceGroupNotFound: …/troubleshooting/error-not-found). */
export function resourceGroupNotFound(resourceGroup: string): Reply {
  return armError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
}

/** 404 for an unknown resource, e.g. `Microsoft.ContainerRegistry/registries/x` (ResourceNotFound and its aka.ms link: …/troubleshooting/error-not-found). */
export function resourceNotFound(resourceType: string, name: string, resourceGroup: string): Reply {
  return armError(
    404,
    'ResourceNotFound',
    `The Resource '${resourceType}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** 400 for a request body or parameter the service rejects. */
export function badRequest(code: string, message: string): Reply {
  return armError(400, code, message);
}

/**
 * The answer to an injected fault, worded like ARM's throttling and gateway errors: 429
 * TooManyRequests with `Retry-After` (request-limits-and-throttling); 502/503/504 and 500 wording assumed.
 */
export function armFault(
  status: number,
  retryAfterSeconds: number | undefined,
  details: { subscriptionId?: string; correlationId: string; at: number },
): Reply {
  const retry: Record<string, string | number> = retryAfterSeconds !== undefined ? { 'Retry-After': retryAfterSeconds } : {};
  switch (status) {
    case 429:
      return armError(
        429,
        'TooManyRequests',
        'The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. For more information, see - https://aka.ms/srpthrottlinglimits',
        retry,
      );
    case 502:
      return armError(502, 'BadGateway', 'The gateway did not receive a response from the resource provider within the specified time period.', retry);
    case 503:
      return armError(
        503,
        'ServiceUnavailable',
        'The server is currently unable to handle the request due to a temporary overloading or maintenance of the server. Please try again later.',
        retry,
      );
    case 504:
      return armError(
        504,
        'GatewayTimeout',
        "The gateway did not receive a response from 'Microsoft.ContainerRegistry' within the specified time period.",
        retry,
      );
    default:
      return armError(
        status,
        'InternalServerError',
        `Encountered internal server error. Diagnostic information: timestamp '${new Date(details.at).toISOString()}', subscription id '${details.subscriptionId ?? ''}', tracking id '${details.correlationId}', request correlation id '${details.correlationId}'.`,
        retry,
      );
  }
}
