/**
 * RS256 JSON Web Tokens like the ones Entra ID issues. Nothing in the SDKs verifies an access
 * token's signature, but a real signature and a JWKS keep the tokens honest for anyone who
 * decodes them (and for later services that may check them). Format and keys endpoint:
 * learn.microsoft.com/entra/identity-platform/access-tokens ("Validate tokens": RS256, `kid`, JWKS).
 */
import { createHash, createSign, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

interface SigningKey {
  privateKey: KeyObject;
  kid: string;
  jwk: Record<string, unknown>;
}

let shared: SigningKey | undefined;

/** One RSA key per process: generating it takes tens of milliseconds, and tests start many emulators. */
function signingKey(): SigningKey {
  if (!shared) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const kid = createHash('sha1')
      .update(`${String(jwk.n)}.${String(jwk.e)}`)
      .digest('base64url');
    shared = { privateKey, kid, jwk: { kty: 'RSA', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e } };
  }
  return shared;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs `claims` as a compact RS256 JWT with the process's key. */
export function signJwt(claims: Record<string, unknown>): string {
  const key = signingKey();
  const head = `${b64url({ typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid })}.${b64url(claims)}`;
  const signature = createSign('RSA-SHA256').update(head).sign(key.privateKey).toString('base64url');
  return `${head}.${signature}`;
}

/** The JWKS document (`jwks_uri`) that verifies {@link signJwt} tokens. */
export function jwks(): { keys: Record<string, unknown>[] } {
  return { keys: [signingKey().jwk] };
}

/** Decodes a JWT's claims without verifying it (test convenience). */
export function decodeJwt(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
