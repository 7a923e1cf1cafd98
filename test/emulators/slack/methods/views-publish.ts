/**
 * `views.publish`: the Home tab of one user (docs.slack.dev/reference/methods/views.publish,
 * and the Home tab view object: docs.slack.dev/reference/views/home-tab-views).
 */
import { blockProblems } from '../block-kit.ts';
import { fail, str } from './common.ts';
import type { MethodHandler } from './common.ts';

/** "Error returned if the provided view is greater than 250kb" (views.publish errors). */
const maxViewBytes = 250 * 1024;

export const viewsPublish: MethodHandler = ({ args, store, identity }) => {
  const userId = str(args, 'user_id');
  // The method page's "typical error response": invalid_arguments, "invalid `user_id`".
  if (userId === undefined || !/^[UW][A-Z0-9]{2,}$/.test(userId)) return fail('invalid_arguments', { response_metadata: { messages: ['invalid `user_id`'] } });
  const view = args.view;
  if (typeof view !== 'object' || view === null || Array.isArray(view))
    return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
  const v = view as Record<string, unknown>;
  // Home tab view object: "type … Set to home for Home tabs" (other types here are assumed refused the same way).
  if (v.type !== 'home') return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] must be home [json-pointer:/view/type]'] } });
  // views.publish errors: not_enabled, "a home view is published but the Home tab isn't enabled for the app".
  if (!identity.homeTabEnabled) return fail('not_enabled');
  if (Buffer.byteLength(JSON.stringify(v)) > maxViewBytes) return fail('view_too_large');
  const problems: string[] = [];
  // Home tab view object: blocks required, "Max of 100 blocks"; private_metadata at most 3000 characters; callback_id at most 255.
  if (!Array.isArray(v.blocks)) problems.push('[ERROR] missing required field: blocks [json-pointer:/view/blocks]');
  else if (v.blocks.length > 100) problems.push('[ERROR] must provide at most 100 items [json-pointer:/view/blocks]');
  else problems.push(...blockProblems(v.blocks, '/view/blocks'));
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > 3000)
    problems.push('[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]');
  if (typeof v.callback_id === 'string' && v.callback_id.length > 255)
    problems.push('[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]');
  if (problems.length > 0) return fail('invalid_blocks', { response_metadata: { messages: problems } });
  const current = store.homeViews.get(userId);
  // views.publish errors: hash_conflict, "the provided hash doesn't match the current stored value".
  const hash = str(args, 'hash');
  if (hash !== undefined && hash !== current?.hash) return fail('hash_conflict');
  const id = current?.id ?? store.nextViewId();
  const published = { id, userId, hash: `${Math.floor(Date.now() / 1000)}.${store.clock.next().replace('.', '')}`, view: structuredClone(v), time: Date.now() };
  store.homeViews.set(userId, published);
  store.homePublishes.push(structuredClone(published));
  return {
    ok: true,
    // The method page's "typical success response": the published view with its id and hash.
    view: {
      id,
      team_id: identity.teamId,
      type: 'home',
      close: null,
      submit: null,
      blocks: structuredClone(v.blocks),
      private_metadata: typeof v.private_metadata === 'string' ? v.private_metadata : '',
      callback_id: typeof v.callback_id === 'string' ? v.callback_id : '',
      state: { values: {} },
      hash: published.hash,
      clear_on_close: false,
      notify_on_close: false,
      root_view_id: id,
      previous_view_id: null,
      app_id: identity.appId,
      external_id: typeof v.external_id === 'string' ? v.external_id : '',
      app_installed_team_id: identity.teamId,
      bot_id: identity.botId,
    },
  };
};
