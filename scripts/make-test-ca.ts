/**
 * `node scripts/make-test-ca.ts [dir]` (default `test/.certs`): creates the throwaway CA and the
 * `localhost` certificate the Azure emulator serves, unless valid ones are already there.
 *
 * `node scripts/make-test-ca.ts [dir] -- <command> [args…]` then runs the command with
 * `NODE_EXTRA_CA_CERTS=<dir>/trust.pem` (the test CA plus any bundle the variable already
 * named; Node reads it only at start-up, so it must be set before the test runner starts),
 * e.g. `node scripts/make-test-ca.ts -- vitest run`.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { EMULATOR_TRUST_FLAG, ensureTestCa, writeTrustBundle } from '../test/emulators/azure/ca.ts';

const args = process.argv.slice(2);
const split = args.indexOf('--');
const own = split < 0 ? args : args.slice(0, split);
const command = split < 0 ? [] : args.slice(split + 1);

const dir = resolve(own[0] ?? 'test/.certs');
const { caPath, certPath } = ensureTestCa(dir);

if (command.length === 0) {
  console.log(`test CA: ${caPath}\nserver certificate: ${certPath}\nrun tests with NODE_EXTRA_CA_CERTS=${caPath}`);
} else {
  const [bin, ...rest] = command as [string, ...string[]];
  const child = spawn(bin, rest, {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: writeTrustBundle(dir), [EMULATOR_TRUST_FLAG]: '1' },
    // npm puts node_modules/.bin shims on PATH; on Windows those are .cmd files that need a shell.
    shell: process.platform === 'win32',
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
