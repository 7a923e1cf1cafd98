/**
 * A throwaway certificate authority for the Azure emulator's HTTPS server.
 *
 * The SDKs must talk to the emulator over real TLS (bearer tokens are refused on plain http
 * and MSAL refuses non-https authorities), so tests trust this CA through
 * `NODE_EXTRA_CA_CERTS` instead of switching certificate checks off.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where {@link ensureTestCa} put the files (absolute paths). */
export interface TestCaPaths {
  /** The CA certificate: the file to give `NODE_EXTRA_CA_CERTS`. */
  caPath: string;
  /** The CA's private key (only needed to sign more certificates). */
  caKeyPath: string;
  /** The server certificate for `localhost`, `127.0.0.1` and `::1`, signed by the CA. */
  certPath: string;
  /** The server certificate's private key. */
  keyPath: string;
}

const VALIDITY_DAYS = 30;
const MIN_REMAINING_MS = 24 * 60 * 60 * 1000;
const LOCK_STALE_MS = 30_000;

const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = azure-chatops emulator
[v3_ca]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
`;

function pathsIn(abs: string): TestCaPaths {
  return {
    caPath: join(abs, 'ca.pem'),
    caKeyPath: join(abs, 'ca-key.pem'),
    certPath: join(abs, 'server.pem'),
    keyPath: join(abs, 'server-key.pem'),
  };
}

/** True when all four files exist, chain up, match their keys and stay valid for more than a day. */
function isUsable(paths: TestCaPaths): boolean {
  try {
    const ca = new X509Certificate(readFileSync(paths.caPath));
    const server = new X509Certificate(readFileSync(paths.certPath));
    const minValidTo = Date.now() + MIN_REMAINING_MS;
    if (Date.parse(ca.validTo) < minValidTo || Date.parse(server.validTo) < minValidTo) return false;
    if (!ca.ca || !server.checkIssued(ca) || !server.verify(ca.publicKey)) return false;
    if (!ca.checkPrivateKey(createPrivateKey(readFileSync(paths.caKeyPath)))) return false;
    if (!server.checkPrivateKey(createPrivateKey(readFileSync(paths.keyPath)))) return false;
    return server.checkHost('localhost') !== undefined && server.checkIP('127.0.0.1') !== undefined && server.checkIP('::1') !== undefined;
  } catch {
    return false;
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Generates a fresh CA and server certificate in `tmp` (EC P-256 keys: quick to make, accepted by Node). */
function generate(tmp: string): void {
  writeFileSync(join(tmp, 'openssl.cnf'), OPENSSL_CONFIG);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      '-config',
      'openssl.cnf',
      '-extensions',
      'v3_ca',
      ...ec,
      '-keyout',
      'ca-key.pem',
      '-out',
      'ca.pem',
      '-days',
      String(VALIDITY_DAYS),
      '-subj',
      '/CN=azure-chatops test CA',
    ],
    tmp,
  );
  openssl(['req', '-new', '-config', 'openssl.cnf', ...ec, '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=localhost'], tmp);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-set_serial',
      `0x${randomBytes(12).toString('hex')}`,
      '-days',
      String(VALIDITY_DAYS),
      '-extfile',
      'openssl.cnf',
      '-extensions',
      'v3_server',
      '-out',
      'server.pem',
    ],
    tmp,
  );
  chmodSync(join(tmp, 'ca-key.pem'), 0o600);
  chmodSync(join(tmp, 'server-key.pem'), 0o600);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Holds `dir/.lock` while `fn` runs, so parallel processes (vitest workers, the playground,
 * the bench) never read a half-replaced set of files. Synchronous on purpose: callers run it
 * at start-up, before they can spawn a child with `NODE_EXTRA_CA_CERTS`.
 */
function withLock<T>(dir: string, fn: () => T): T {
  const lock = join(dir, '.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        // The holder removed it between our two calls: just try again.
      }
      sleepSync(50);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Makes sure `dir` holds a usable test CA (`ca.pem`, `ca-key.pem`) and a server certificate
 * signed by it (`server.pem`, `server-key.pem`; SANs `localhost`, `127.0.0.1`, `::1`).
 * Existing files are kept while they remain valid for more than a day; otherwise all four
 * are regenerated with the `openssl` CLI. Safe to call from several processes at once.
 */
export function ensureTestCa(dir: string): TestCaPaths {
  const abs = resolve(dir);
  const paths = pathsIn(abs);
  if (isUsable(paths)) return paths;
  mkdirSync(abs, { recursive: true });
  return withLock(abs, () => {
    if (isUsable(paths)) return paths; // another process made them while we waited
    const tmp = join(abs, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(tmp);
    try {
      generate(tmp);
      // Server files first: a reader that skips the lock sees either old or matching files for the CA it trusts.
      for (const [name, target] of [
        ['server-key.pem', paths.keyPath],
        ['server.pem', paths.certPath],
        ['ca-key.pem', paths.caKeyPath],
        ['ca.pem', paths.caPath],
      ] as const) {
        renameSync(join(tmp, name), target);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    if (!isUsable(paths)) throw new Error(`openssl produced certificates in ${abs} that do not verify`);
    return paths;
  });
}

/**
 * `NODE_EXTRA_CA_CERTS` takes one file, and machines often already use it (this one points it
 * at the system bundle). This writes `<dir>/trust.pem`: the test CA plus whatever that
 * variable named before, so trusting the emulator takes nothing away.
 */
export function writeTrustBundle(dir: string, previous = process.env.NODE_EXTRA_CA_CERTS): string {
  const { caPath } = ensureTestCa(dir);
  const bundlePath = join(resolve(dir), 'trust.pem');
  let extra = '';
  if (previous && resolve(previous) !== bundlePath && resolve(previous) !== caPath) {
    try {
      extra = readFileSync(previous, 'utf8');
    } catch {
      // An unreadable bundle was ignored by Node before too.
    }
  }
  writeFileSync(bundlePath, `${readFileSync(caPath, 'utf8').trim()}\n${extra}`);
  return bundlePath;
}

/** Set in processes started with the emulator CA trusted, so scripts re-run themselves once. */
export const EMULATOR_TRUST_FLAG = 'CHATOPS_EMULATOR_TRUST';
