/**
 * What started an ACR run nobody typed, as ARM reports it on the run: a `sourceTrigger`
 * (a commit; ACR reports its id, branch and repository, no message), an `imageUpdateTrigger`
 * (a base image got a new digest), a `timerTrigger`, or none (someone pressed Run in the
 * portal). The spec's `SourceTriggerDescriptor`, `ImageUpdateTrigger` and `TimerTriggerDescriptor`
 * (containerregistry_build.json, 2019-06-01-preview); az shows the same four as Commit, Image
 * Update, Timer and Manual (azure-cli acr/_format.py, `_get_build_trigger`).
 */
export type RunTrigger =
  | { kind: 'commit'; commitId?: string; branch?: string; repositoryUrl?: string; eventType?: string; message?: string }
  | { kind: 'base-image'; images: string[] }
  | { kind: 'timer'; timer?: string; occurrence?: string }
  | { kind: 'manual' };

/** One line for a card: "commit 3f2a9c1e on main", "base image node:20 updated", "timer nightly", "manual run". */
export function describeTrigger(trigger: RunTrigger): string {
  switch (trigger.kind) {
    case 'commit': {
      const what = trigger.eventType && trigger.eventType.toLowerCase() !== 'commit' ? trigger.eventType : 'commit';
      const id = trigger.commitId ? ` ${trigger.commitId.slice(0, 12)}` : '';
      const branch = trigger.branch ? ` on ${trigger.branch}` : '';
      const message = trigger.message ? `: ${trigger.message.split('\n')[0]!.slice(0, 120)}` : '';
      return `${what}${id}${branch}${message}`;
    }
    case 'base-image':
      return trigger.images.length > 0 ? `base image ${trigger.images.join(', ')} updated` : 'base image updated';
    case 'timer':
      return `timer${trigger.timer ? ` ${trigger.timer}` : ''}${trigger.occurrence ? ` (${trigger.occurrence.slice(0, 16).replace('T', ' ')} UTC)` : ''}`;
    case 'manual':
      return 'manual run (Azure portal or CLI)';
  }
}

/** The commit a run built, shortened, when ACR reports one. */
export function commitOf(trigger: RunTrigger | undefined): string | undefined {
  return trigger?.kind === 'commit' && trigger.commitId ? trigger.commitId.slice(0, 12) : undefined;
}
