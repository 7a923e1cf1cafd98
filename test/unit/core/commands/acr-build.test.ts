import { describe, expect, it } from 'vitest';
import { ACR_BUILD_USAGE, parseAcrBuild, parseCommand, tokenize, type AcrBuildCommand } from '../../../../src/core/commands/index.ts';
import { expectUsageError } from './expect-usage-error.ts';

const GIT = 'https://github.com/org/app.git';
/** Parses `/acr build <text>` the way Slack delivers it. */
const build = (text: string) => parseAcrBuild(tokenize(text));

describe('parseAcrBuild', () => {
  it('parses the full example command', () => {
    expect(parseCommand('/acr', 'build -r contosoreg -t web:v1 -f Dockerfile https://github.com/org/app.git#main:src')).toEqual({
      kind: 'acr.build',
      registry: 'contosoreg',
      images: ['web:v1'],
      file: 'Dockerfile',
      buildArgs: [],
      platform: { os: 'Linux', architecture: 'amd64' },
      noCache: false,
      source: { url: GIT, ref: 'main', subfolder: 'src', location: `${GIT}#main:src` },
    } satisfies AcrBuildCommand);
  });

  it('fills defaults and omits absent optional keys', () => {
    const cmd = build(`-t web ${GIT}`);
    expect(cmd.file).toBe('Dockerfile');
    expect(cmd.platform).toEqual({ os: 'Linux', architecture: 'amd64' });
    expect(cmd.noCache).toBe(false);
    for (const key of ['registry', 'timeoutSeconds', 'target', 'environment'] as const) expect(key in cmd).toBe(false);
    expect('ref' in cmd.source || 'subfolder' in cmd.source).toBe(false);
  });

  it('unwraps Slack link markup around the git URL', () => {
    expect(build(`-t web:v1 <${GIT}#main:src>`).source).toEqual({ url: GIT, ref: 'main', subfolder: 'src', location: `${GIT}#main:src` });
  });

  it.each<[string, string, Partial<AcrBuildCommand>]>([
    ['--flag=value and --flag value alike', `--image=web:v1 --file=docker/Dockerfile.prod ${GIT}`, { images: ['web:v1'], file: 'docker/Dockerfile.prod' }],
    ['repeated images in order', `-t a:1 -t b:2 --image team/c:3 ${GIT}`, { images: ['a:1', 'b:2', 'team/c:3'] }],
    ['a duplicate image once', `-t a:1 -t a:1 ${GIT}`, { images: ['a:1'] }],
    ['the ACR run id in a tag', `-t 'web:{{.Run.ID}}' -t web:v1-{{.Run.ID}} ${GIT}`, { images: ['web:{{.Run.ID}}', 'web:v1-{{.Run.ID}}'] }],
    [
      'repeated build args, = in values, unicode kept',
      `-t web --build-arg URL=https://x?a=b --build-arg "GREETING=héllo wörld 👋" --build-arg EMPTY= ${GIT}`,
      {
        buildArgs: [
          { name: 'URL', value: 'https://x?a=b' },
          { name: 'GREETING', value: 'héllo wörld 👋' },
          { name: 'EMPTY', value: '' },
        ],
      },
    ],
    ['a Slack-escaped & in a build arg', `-t web --build-arg Q=a&amp;b ${GIT}`, { buildArgs: [{ name: 'Q', value: 'a&b' }] }],
    ['smart-quoted values', `-t web:v1 --build-arg “MSG=two words” ${GIT}`, { buildArgs: [{ name: 'MSG', value: 'two words' }] }],
    ['--no-cache', `-t web --no-cache ${GIT}`, { noCache: true }],
    ['--no-cache false', `-t web --no-cache false ${GIT}`, { noCache: false }],
    ['the timeout bounds', `-t web --timeout 300 ${GIT}`, { timeoutSeconds: 300 }],
    ['the upper timeout bound', `-t web --timeout=28800 ${GIT}`, { timeoutSeconds: 28800 }],
    ['an environment', `-t web --env prod-eu ${GIT}`, { environment: 'prod-eu' }],
    ['a target stage', `-t web --target build-env ${GIT}`, { target: 'build-env' }],
    ['a stage called help, as a value', `-t web --target help ${GIT}`, { target: 'help' }],
    ['a login server as the registry', `-t web -r ContosoReg.azurecr.io ${GIT}`, { registry: 'contosoreg' }],
    ['the source before the flags', `${GIT} -t web`, { images: ['web'] }],
  ])('accepts %s', (_name, text, expected) => {
    expect(build(text)).toMatchObject(expected);
  });

  it.each<[string, string, RegExp | string]>([
    ['no source', '-t web:v1', 'Give the git URL to build from, e.g. https://github.com/org/app.git#main.'],
    ['two sources', `-t web:v1 ${GIT} ${GIT}`, /^Give exactly one git URL, not 2 /],
    ['an unquoted value with a space', `-t web:v1 --build-arg MSG=two words ${GIT}`, /^Give exactly one git URL, not 2 \("words", /],
    ['no image', GIT, 'Name the image to build with -t REPO:TAG, e.g. -t web:v1.'],
    ['a repeated -f', `-t web -f a -f b ${GIT}`, '--file was given more than once; give it once.'],
    ['a repeated --registry', `-t web -r contosoreg --registry othereg1 ${GIT}`, '--registry was given more than once; give it once.'],
    ['an unknown flag', `--imgae web:v1 ${GIT}`, 'Unknown flag --imgae. Did you mean --image?'],
    ['a misspelt build arg flag', `-t web --build-args A=1 ${GIT}`, 'Unknown flag --build-args. Did you mean --build-arg?'],
    ['a short registry name', `-t web -r abc ${GIT}`, /^Registry "abc" isn't a valid registry name: use 5–50 letters and digits/],
    ['a registry name with a dash', `-t web -r contoso-reg ${GIT}`, /^Registry "contoso-reg" isn't a valid registry name/],
    ['a 51-letter registry name', `-t web -r ${'a'.repeat(51)} ${GIT}`, /isn't a valid registry name/],
    ['an image with capitals', `-t Web:v1 ${GIT}`, 'Image "Web:v1" has capitals; repository names are lowercase, e.g. -t web:v1.'],
    ['an image with a bad repository', `-t web__:v1 ${GIT}`, /^Image "web__:v1" has an invalid repository name/],
    ['an image with an empty tag', `-t web: ${GIT}`, /^Image "web:" has an invalid tag/],
    ['an image with a tag starting with .', `-t web:.v1 ${GIT}`, /^Image "web:.v1" has an invalid tag/],
    ['an image with a 129-character tag', `-t web:${'a'.repeat(129)} ${GIT}`, /has an invalid tag/],
    ['an image with a unicode tag', `-t web:vé ${GIT}`, /^Image "web:vé" has characters that aren’t allowed: image names and tags are plain ASCII/],
    ['an image with a digest', `-t web@sha256:abc ${GIT}`, /has a digest/],
    ['a build arg with a bad name', `-t web --build-arg 1X=a ${GIT}`, /^Build-arg name "1X" is invalid/],
    ['a build arg without =', `-t web --build-arg VERSION ${GIT}`, '--build-arg expects KEY=VALUE, not "VERSION".'],
    ['a build arg given twice', `-t web --build-arg A=1 --build-arg A=2 ${GIT}`, '--build-arg A was given more than once; give each name once.'],
    ['a build arg with a control character', `-t web --build-arg "A=x\u0007" ${GIT}`, 'The value of build-arg A has control characters; remove them.'],
    ['a timeout below 300', `-t web --timeout 299 ${GIT}`, "--timeout must be between 300 and 28800 seconds (ACR's limits), not 299."],
    ['a timeout above 28800', `-t web --timeout 28801 ${GIT}`, "--timeout must be between 300 and 28800 seconds (ACR's limits), not 28801."],
    ['a negative timeout', `-t web --timeout -5 ${GIT}`, "--timeout must be between 300 and 28800 seconds (ACR's limits), not -5."],
    ['a timeout that is not a number', `-t web --timeout 1h ${GIT}`, '--timeout expects a whole number, not "1h".'],
    ['an environment in capitals', `-t web --env Prod ${GIT}`, /^Environment "Prod" is invalid/],
    ['a 33-character environment', `-t web --env ${'e'.repeat(33)} ${GIT}`, /is invalid: use up to 32 lowercase letters/],
    ['a bad stage name', `-t web --target 1stage ${GIT}`, /^Stage "1stage" is invalid/],
    ['an absolute Dockerfile path', `-t web -f /etc/Dockerfile ${GIT}`, /^Dockerfile path "\/etc\/Dockerfile" is invalid/],
    ['a Dockerfile path leaving the context', `-t web -f ../Dockerfile ${GIT}`, /^Dockerfile path "..\/Dockerfile" is invalid/],
    ['an empty Dockerfile path', `-t web -f "" ${GIT}`, /^Dockerfile path "" is invalid/],
  ])('refuses %s', (_name, text, message) => {
    expectUsageError(() => build(text), message, ACR_BUILD_USAGE);
  });
});

describe('the git source', () => {
  it.each<[string, string, Record<string, string>]>([
    ['a .git URL', GIT, { url: GIT }],
    ['a ref', `${GIT}#v1.2.0`, { url: GIT, ref: 'v1.2.0' }],
    ['a ref with a slash', `${GIT}#feature/login:src/web`, { ref: 'feature/login', subfolder: 'src/web' }],
    ['a subfolder on the default branch', `${GIT}#:src`, { subfolder: 'src' }],
    ['a GitLab subgroup', 'https://gitlab.com/group/sub/app.git', { url: 'https://gitlab.com/group/sub/app.git' }],
    ['Azure DevOps', 'https://dev.azure.com/org/proj/_git/api#main', { url: 'https://dev.azure.com/org/proj/_git/api', ref: 'main' }],
    ['Azure DevOps with its org user name', 'https://org@dev.azure.com/org/proj/_git/api', { url: 'https://org@dev.azure.com/org/proj/_git/api' }],
    ['visualstudio.com', 'https://org.visualstudio.com/proj/_git/api', { url: 'https://org.visualstudio.com/proj/_git/api' }],
  ])('accepts %s', (_name, source, expected) => {
    const cmd = build(`-t web ${source}`);
    expect(cmd.source).toMatchObject({ ...expected, location: source });
  });

  it.each<[string, string, RegExp | string]>([
    ['http', 'http://github.com/org/app.git', 'Use https, not http: https://github.com/org/app.git'],
    ['a local dot', '.', /^"\." isn't a git URL, and I can only build from git: push your code/],
    ['a local relative path', './app', /I can only build from git: push your code/],
    ['a local absolute path', '/home/me/app', /I can only build from git: push your code/],
    ['a Windows path', 'C:\\src\\app', /I can only build from git/],
    ['a host without https', 'github.com/org/app.git', 'Add https:// in front of the git URL: https://github.com/org/app.git'],
    [
      'an auto-linked host without https',
      '<http://github.com/org/app.git|github.com/org/app.git>',
      'Add https:// in front of the git URL: https://github.com/org/app.git',
    ],
    ['an SSH URL', 'git@github.com:org/app.git', /^SSH and git:\/\/ URLs aren't supported/],
    ['a git:// URL', 'git://github.com/org/app.git', /^SSH and git:\/\/ URLs aren't supported/],
    ['an ftp URL', 'ftp://x.io/app.git', /^Only https git URLs are supported, not ftp:\/\//],
    ['an https URL that is not git', 'https://github.com/org/app', /isn't a git URL: end it with \.git \(https:\/\/github\.com\/org\/app\.git\)/],
    ['a tarball URL', 'https://x.io/src.tar.gz', /isn't a git URL/],
    ['a GitHub page URL', 'https://github.com/org/app/tree/main/src', "That's a GitHub page, not a git URL; try https://github.com/org/app.git#main:src"],
    ['a token in the URL', 'https://ghp_abc@github.com/org/app.git', /^Remove the user name or token from the git URL/],
    ['a password in the URL', 'https://org:secret@dev.azure.com/org/p/_git/r', /^Remove the user name or token/],
    ['a query string', 'https://dev.azure.com/org/p/_git/r?path=/src', /^Remove the \?query/],
    ['a URL with a space', '"https://x.io/a b.git"', /^The git URL "https:\/\/x\.io\/a b\.git" contains spaces or control characters/],
    ['a local path with a space', '"./my app"', /^"\.\/my app" isn't a git URL, and I can only build from git/],
    ['a malformed URL', 'https://[bad/app.git', '"https://[bad/app.git" isn\'t a valid URL; e.g. https://github.com/org/app.git#main.'],
    ['a ref with ..', `${GIT}#a..b`, /^"a\.\.b" isn't a valid git branch/],
    ['a ref starting with -', `${GIT}#-x`, /isn't a valid git branch/],
    ['a subfolder leaving the repository', `${GIT}#main:../x`, /^"\.\.\/x" isn't a valid folder/],
    ['an absolute subfolder', `${GIT}#main:/x`, /isn't a valid folder/],
  ])('refuses %s', (_name, source, message) => {
    expectUsageError(() => build(`-t web:v1 ${source}`), message, ACR_BUILD_USAGE);
  });
});

describe('--platform', () => {
  it.each<[string, AcrBuildCommand['platform']]>([
    ['linux', { os: 'Linux', architecture: 'amd64' }],
    ['windows', { os: 'Windows', architecture: 'amd64' }],
    ['linux/amd64', { os: 'Linux', architecture: 'amd64' }],
    ['Linux/ARM64', { os: 'Linux', architecture: 'arm64' }],
    ['linux/arm64/v8', { os: 'Linux', architecture: 'arm64', variant: 'v8' }],
    ['linux/arm', { os: 'Linux', architecture: 'arm' }],
    ['linux/arm/v7', { os: 'Linux', architecture: 'arm', variant: 'v7' }],
    ['linux/arm/v6', { os: 'Linux', architecture: 'arm', variant: 'v6' }],
    ['linux/x86_64', { os: 'Linux', architecture: 'amd64' }],
    ['linux/aarch64', { os: 'Linux', architecture: 'arm64' }],
    ['linux/386', { os: 'Linux', architecture: '386' }],
    ['windows/amd64', { os: 'Windows', architecture: 'amd64' }],
    ['windows/x86', { os: 'Windows', architecture: 'x86' }],
  ])('parses %s', (platform, expected) => {
    expect(build(`-t web --platform ${platform} ${GIT}`).platform).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['macos', /^Unknown platform "macos": use OS\[\/ARCH\[\/VARIANT\]\]/],
    ['linux/ppc64le', /^Unknown platform "linux\/ppc64le"/],
    ['linux/arm/v7/extra', /^Unknown platform/],
    ['', /^Unknown platform ""/],
    ['linux/amd64/v7', /^Unknown variant "v7" for amd64 in --platform: amd64 has no variants/],
    ['linux/arm/v8', /^Unknown variant "v8" for arm in --platform: use v6 or v7/],
  ])('refuses %j', (platform, message) => {
    expectUsageError(() => build(`-t web --platform "${platform}" ${GIT}`), message, ACR_BUILD_USAGE);
  });
});
