/**
 * Azure Blob Storage as a service family: XML error bodies with `x-ms-error-code`, and the
 * `x-ms-request-id` / `x-ms-version` headers every answer carries. Blob storage lives on its own
 * host in Azure; here it is a path prefix (e.g. `/acrlogs/` for ACR's run logs).
 */
import type { FamilyPolicy } from './family.ts';
import { withHeaders } from './family.ts';
import type { Reply } from './http.ts';
import { guid } from './ids.ts';
import { Router } from './router.ts';
import type { RouteContext } from './router.ts';

/** The service version answered when the client names none (the SAS's `sv`). */
const DEFAULT_VERSION = '2019-02-02';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A Storage error answer: XML body (none for HEAD, as Storage does) plus `x-ms-error-code`
 * (learn.microsoft.com/rest/api/storageservices/status-and-error-codes2).
 */
export function storageError(
  ctx: RouteContext,
  status: number,
  code: string,
  message: string,
  options: { detail?: string; headers?: Record<string, string | number> } = {},
): Reply {
  const requestId = guid();
  const body =
    `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}\nRequestId:${requestId}\nTime:${new Date(ctx.now).toISOString()}</Message>` +
    `${options.detail ? `<AuthenticationErrorDetail>${escapeXml(options.detail)}</AuthenticationErrorDetail>` : ''}</Error>`;
  return {
    status,
    headers: { 'Content-Type': 'application/xml', 'x-ms-request-id': requestId, 'x-ms-error-code': code, ...options.headers },
    ...(ctx.req.method !== 'HEAD' && { body }),
  };
}

/** A Blob storage family owning the paths that match `paths`. */
export function storageFamily(paths: RegExp): FamilyPolicy {
  return {
    name: 'blob',
    router: new Router(),
    claims: (path) => paths.test(path),
    notFound: (ctx) => storageError(ctx, 404, 'ResourceNotFound', 'The specified resource does not exist.'),
    // ServerBusy, OperationTimedOut, InternalError: …/rest/api/storageservices/common-rest-api-error-codes.
    fault(fault, ctx) {
      const retry: Record<string, number> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': fault.retryAfterSeconds } : {};
      if (fault.status === 503 || fault.status === 429) {
        return storageError(ctx, fault.status, 'ServerBusy', 'The server is currently unable to receive requests. Please retry your request.', {
          headers: retry,
        });
      }
      if (fault.status === 504)
        return storageError(ctx, 504, 'OperationTimedOut', 'The operation could not be completed within the permitted time.', { headers: retry });
      return storageError(ctx, fault.status, 'InternalError', 'Server encountered an internal error. Please try again after some time.', { headers: retry });
    },
    decorate: (reply, ctx) =>
      withHeaders(reply, {
        'x-ms-request-id': guid(),
        'x-ms-version': ctx.req.headers['x-ms-version'] ?? ctx.req.query.sv ?? DEFAULT_VERSION,
        Server: 'Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0',
      }),
  };
}
