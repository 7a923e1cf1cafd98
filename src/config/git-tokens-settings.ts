import { z } from 'zod';
import { SECRET_NAME } from '../core/commands/aci/env-vars.ts';

// `environments.<name>.gitAccessTokens`: which Key Vault secrets builds and tasks may hand to
// ACR as git credentials, and the git hosts each may go to. Fail closed: an environment
// without the key lets no git token out, and a token goes only to the hosts listed for it.

/** A host as the git URL names it: lowercase ASCII labels, an optional non-default port. */
const GIT_HOST = /^(?=.{1,253}(?::\d{1,5})?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+(?::\d{1,5})?$/;

const gitHost = z
  .string()
  .transform((h) => h.toLowerCase())
  .refine((h) => GIT_HOST.test(h), { message: 'must be a git host name like github.com or dev.azure.com (no scheme, path or wildcard)' });

export const gitAccessTokensSchema = z
  .record(z.string(), z.array(gitHost).min(1, { message: 'must list at least one git host the token may go to, like [github.com]' }))
  .superRefine((tokens, ctx) => {
    // Checked here rather than as the record's key schema, whose issue would not say why.
    for (const name of Object.keys(tokens)) {
      if (!SECRET_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'must be a Key Vault secret name: 1-127 letters, digits and -' });
    }
  });
