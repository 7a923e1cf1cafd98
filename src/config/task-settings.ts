import { z } from 'zod';
import { TASK_NAME } from '../core/validation/task-name.ts';

// Per-environment ACR tasks whose runs are announced in Slack (`environments.<env>.tasks`), and
// what follows a successful run: a deploy of its digest to a container group of the same
// environment ("dev follows main").

/** Container group names (validation/container-group-name.ts): lowercase letters, digits, single '-'. */
const groupName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9](?:-?[a-z0-9])*$/, { message: "must be a container group name: 1-63 lowercase letters, digits and '-'" });

const channelId = z.string().regex(/^[CG][A-Z0-9]+$/, { message: 'must be a Slack channel id like C0123ABC' });

/** One watched task: where its runs are announced, and the optional deploy of each successful run. */
export const taskWatchSchema = z.strictObject({
  channel: channelId,
  deploy: z.strictObject({ group: groupName }).optional(),
});

export const taskWatchesSchema = z.record(z.string(), taskWatchSchema).superRefine((tasks, ctx) => {
  // Checked here rather than as the record's key schema, whose refusal does not say why.
  for (const name of Object.keys(tasks)) {
    if (!TASK_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'is not an ACR task name: task names are 5-50 letters, digits, - and _' });
  }
});

export type TaskWatchConfig = z.infer<typeof taskWatchSchema>;
