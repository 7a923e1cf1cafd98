import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * HTTP Basic credentials (RFC 7617) checked in constant time: both sides are hashed to the
 * same length first, and the user and password comparisons are both made every time, so
 * neither the length nor the first wrong character shows in the response time.
 */
export function createBasicAuth(user: string, password: string): (req: IncomingMessage) => { ok: true; user: string } | { ok: false } {
  const expectedUser = digest(user);
  const expectedPassword = digest(password);
  return (req) => {
    const header = req.headers.authorization ?? '';
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const givenUser = colon < 0 ? '' : decoded.slice(0, colon);
    const givenPassword = colon < 0 ? '' : decoded.slice(colon + 1);
    const userOk = timingSafeEqual(digest(givenUser), expectedUser);
    const passwordOk = timingSafeEqual(digest(givenPassword), expectedPassword);
    return match && userOk && passwordOk ? { ok: true, user: givenUser } : { ok: false };
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
