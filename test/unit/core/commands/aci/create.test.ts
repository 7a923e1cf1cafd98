import { describe, expect, it } from 'vitest';
import { ACI_CREATE_USAGE, parseAciCreate, type AciCreateCommand } from '../../../../../src/core/commands/aci/index.ts';
import { parseAci } from '../../../../../src/core/commands/parse-command.ts';
import { expectUsageError } from '../expect-usage-error.ts';

const words = (text: string): string[] => text.split(' ');
const BASE = '-n web --image web:v1';
const SUBNET = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-1/subnets/aci';

/** The defaults for `-n web --image web:v1`, so each case states only what it changes. */
const DEFAULTS: AciCreateCommand = {
  kind: 'aci.create',
  name: 'web',
  image: { repository: 'web', tag: 'v1', text: 'web:v1' },
  cpu: 1,
  memoryInGB: 1.5,
  ports: [80],
  protocol: 'TCP',
  restartPolicy: 'Always',
  environmentVariables: [],
  secureEnvironmentVariables: [],
};

describe('parseAci create', () => {
  it('parses the full example', () => {
    const text =
      'create --name web --image web:v1 --cpu 1 --memory 1.5 --ports 80 443 --dns-name-label contoso-web --restart-policy OnFailure --environment-variables MODE=prod LOG=info --secure-environment-variables DB_PASSWORD=@kv:db-password --env prod';
    // toStrictEqual: absent optional keys must be absent, not undefined (job data is JSON).
    expect(parseAci(words(text))).toStrictEqual({
      ...DEFAULTS,
      ports: [80, 443],
      dnsNameLabel: 'contoso-web',
      restartPolicy: 'OnFailure',
      environmentVariables: [
        { name: 'MODE', value: 'prod' },
        { name: 'LOG', value: 'info' },
      ],
      secureEnvironmentVariables: [{ name: 'DB_PASSWORD', secretName: 'db-password' }],
      environment: 'prod',
    });
  });

  it.each<[string, string[], Partial<AciCreateCommand>]>([
    ['defaults', words(BASE), {}],
    ['the deploy alias', [], {}],
    [
      'a fully qualified image',
      words('-n web --image contosoreg.azurecr.io/team/web:2.1'),
      { image: { registry: 'contosoreg.azurecr.io', repository: 'team/web', tag: '2.1', text: 'contosoreg.azurecr.io/team/web:2.1' } },
    ],
    ['an untagged image', words('-n web --image nginx'), { image: { repository: 'nginx', text: 'nginx' } }],
    ['fractional cpu and GB memory', words(`${BASE} --cpu 0.5 --memory 2GB`), { cpu: 0.5, memoryInGB: 2 }],
    ['duplicate ports once', words(`${BASE} --ip-address Public --ports 443 80 443`), { ipAddress: 'Public', ports: [443, 80] }],
    ['edge ports', words(`${BASE} --dns-name-label contoso-web --ports 1 65535`), { dnsNameLabel: 'contoso-web', ports: [1, 65535] }],
    [
      'lowercase choices',
      words(`${BASE} --protocol udp --ip-address private --restart-policy never`),
      { protocol: 'UDP', ipAddress: 'Private', restartPolicy: 'Never' },
    ],
    ['a public IP with a label', words(`${BASE} --ip-address Public --dns-name-label contoso-web`), { ipAddress: 'Public', dnsNameLabel: 'contoso-web' }],
    ['a value holding =', words(`${BASE} --environment-variables URL=a=b`), { environmentVariables: [{ name: 'URL', value: 'a=b' }] }],
    [
      '--flag=value forms',
      [...words(BASE), '--environment-variables=A=1', '--secure-environment-variables=B=@kv:b-1'],
      { environmentVariables: [{ name: 'A', value: '1' }], secureEnvironmentVariables: [{ name: 'B', secretName: 'b-1' }] },
    ],
    [
      'a command line split shell-style',
      [...words(BASE), '--command-line', `sh -c 'echo "a b" && sleep 1'`],
      { commandLine: ['sh', '-c', 'echo "a b" && sleep 1'] },
    ],
    ['a command line with entities kept literal', [...words(BASE), '--command-line', 'echo &lt;x&gt;'], { commandLine: ['echo', '&lt;x&gt;'] }],
    ['a subnet with a private IP', words(`${BASE} --subnet ${SUBNET} --ip-address Private`), { subnet: SUBNET, ipAddress: 'Private' }],
  ])('parses %s', (name, tokens, changes) => {
    const parsed = name === 'the deploy alias' ? parseAci(['deploy', ...words(BASE)]) : parseAciCreate(tokens);
    expect(parsed).toStrictEqual({ ...DEFAULTS, ...changes });
  });

  it.each<[string, string, RegExp]>([
    ['no name', '--image web:v1', /^Name the container group with -n, e\.g\. -n web\.$/],
    ['no image', '-n web', /^Give the image with --image, e\.g\. --image web:v1\.$/],
    ['a bad name', '-n Web_1 --image web:v1', /^-n: Container group names are 1–63 lowercase .* e\.g\. web-1 \(got 'Web_1'\)\.$/],
    ['a capitalised name', '-n Web --image web:v1', /did you mean 'web'\?$/],
    ['a bad image', '-n web --image Web:v1', /^--image: Image 'Web:v1' has capitals .*e\.g\. contosoreg\.azurecr\.io\/team\/web:v1\.$/],
    ['a bad cpu', `${BASE} --cpu 8`, /^--cpu: CPU is 0\.1–4 cores .*e\.g\. 1 or 0\.5 \(got '8'\)\.$/],
    ['a bad memory', `${BASE} --memory 512MB`, /^--memory: Memory is 0\.1–16 GB in steps of 0\.1, e\.g\. 1\.5 .*512MB is 0\.5/],
    ['port 0', `${BASE} --ports 80 0`, /^--ports takes port numbers 1–65535, e\.g\. --ports 80 443, not "0"\.$/],
    ['port 65536', `${BASE} --ports 65536`, /not "65536"\.$/],
    ['a port word', `${BASE} --ports http`, /not "http"\.$/],
    ['no ports', `${BASE} --ports`, /^--ports needs a value, like --ports PORT\.$/],
    [
      'ports without an IP address',
      `${BASE} --ports 8080`,
      /^--ports are exposed on an IP address, and this group gets none: add --ip-address Public \(or --dns-name-label LABEL\), or --subnet/,
    ],
    ['a bad protocol', `${BASE} --protocol HTTP`, /^--protocol takes TCP or UDP, not "HTTP"\.$/],
    ['a bad ip type', `${BASE} --ip-address none`, /^--ip-address takes Public or Private, not "none"\.$/],
    ['a bad restart policy', `${BASE} --restart-policy sometimes`, /^--restart-policy takes Always, Never or OnFailure, not "sometimes"\.$/],
    ['a bad dns label', `${BASE} --dns-name-label web`, /^--dns-name-label: DNS name labels are 5–63 .*e\.g\. web-staging \(got 'web'\)\.$/],
    [
      'a label with a private IP',
      `${BASE} --dns-name-label contoso-web --ip-address Private`,
      /^--dns-name-label needs a public IP address: drop --ip-address Private/,
    ],
    ['a subnet with a public IP', `${BASE} --subnet ${SUBNET} --ip-address Public`, /can only have a private IP address: use --ip-address Private/],
    ['a subnet with a label', `${BASE} --subnet ${SUBNET} --dns-name-label contoso-web`, /has no public DNS name: drop --dns-name-label/],
    [
      'a bad subnet',
      `${BASE} --subnet aci`,
      /^--subnet takes a subnet resource id, e\.g\. --subnet \/subscriptions\/<subscription-id>\/.*\/subnets\/<subnet>, not "aci"\.$/,
    ],
    [
      'a bad env var name',
      `${BASE} --environment-variables my-var=1`,
      /^--environment-variables: Environment variable names .*e\.g\. APP_VERSION \(got 'my-var'\); did you mean 'my_var'\?$/,
    ],
    ['an env var without =', `${BASE} --environment-variables MODE`, /^--environment-variables expects KEY=VALUE, not "MODE"\.$/],
    ['a repeated env var', `${BASE} --environment-variables A=1 A=2`, /^--environment-variables A was given more than once; give each name once\.$/],
    [
      'a name in both lists',
      `${BASE} --environment-variables DB=x --secure-environment-variables DB=@kv:db`,
      /^DB is in both --environment-variables and --secure-environment-variables/,
    ],
    ['a repeated secure var', `${BASE} --secure-environment-variables A=@kv:a A=@kv:b`, /^--secure-environment-variables A was given more than once/],
    [
      'a bad secret name',
      `${BASE} --secure-environment-variables A=@kv:db_password`,
      /^A: Key Vault secret names are 1–127 letters, digits and '-', e\.g\. A=@kv:db-password\.$/,
    ],
    ['an empty secret name', `${BASE} --secure-environment-variables A=@kv:`, /^A: Key Vault secret names are 1–127/],
    ['a bad env', `${BASE} --env Prod`, /^Environment "Prod" is invalid: .*e\.g\. --env staging\.$/],
    ['an empty command line', `${BASE} --command-line=`, /^--command-line needs a command, e\.g\. --command-line "python app\.py --port 80"\.$/],
    ['an unknown flag', `${BASE} --imgae x`, /^Unknown flag --imgae\. Did you mean --image\?$/],
    ['a stray word', `${BASE} extra`, /^Unexpected word "extra": \/aci create takes only options/],
    ['a repeated flag', `${BASE} --cpu 1 --cpu 2`, /^--cpu was given more than once; give it once\.$/],
  ])('refuses %s, showing the valid form', (_name, text, message) => {
    expectUsageError(() => parseAciCreate(words(text)), message, ACI_CREATE_USAGE);
  });

  it('refuses an unterminated quote in --command-line, showing the quoted form', () => {
    expectUsageError(
      () => parseAciCreate([...words(BASE), '--command-line', 'sh -c "echo']),
      /^--command-line: The " .*has no closing quote.* e\.g\. --command-line "python app\.py --port 80"\.$/,
      ACI_CREATE_USAGE,
    );
  });
});

describe('parseAci create secrets', () => {
  const SECRET = 'hunter2-Sup3rS3cret';

  it.each<[string, string[], RegExp]>([
    [
      'a literal value',
      [`DB_PASSWORD=${SECRET}`],
      /^DB_PASSWORD must be a Key Vault reference, not a value: chat history is not a secret store.* DB_PASSWORD=@kv:SECRET-NAME, e\.g\. DB_PASSWORD=@kv:db-password\.$/,
    ],
    ['a literal holding =', [`DB=${SECRET}=x`], /^DB must be a Key Vault reference/],
    [
      'a bare secret',
      [SECRET],
      /^Each --secure-environment-variables value is NAME=@kv:SECRET-NAME, e\.g\. --secure-environment-variables DB_PASSWORD=@kv:db-password/,
    ],
    ['a secret before =', [`${SECRET}=@kv:x`], /^Each --secure-environment-variables value is NAME=@kv:SECRET-NAME/],
    ['a bad secret name', [`DB=@kv:${SECRET}!`], /^DB: Key Vault secret names/],
    ['a stray word after --', ['DB=@kv:db', '--', SECRET], /^Unexpected word: \/aci create takes only options/],
  ])('refuses %s without echoing it', (_name, values, message) => {
    const err = expectUsageError(() => parseAci(['create', ...words(BASE), '--secure-environment-variables', ...values]), message, ACI_CREATE_USAGE);
    expect(err.message).not.toContain(SECRET);
    expect(err.usage).not.toContain(SECRET);
    expect(String(err.stack)).not.toContain(SECRET);
  });
});
