import { describe, expect, it } from 'vitest';
import { validateSlackChannelId, validateSlackUserId, validateSlackUsergroupId, type Validation } from '../../../../src/core/validation/index.ts';
import { expectProblem, expectValid } from './expect-validation.ts';

type Validator = (text: string) => Validation<string>;

const USER_FORM = 'Slack user ids are U or W followed by capitals and digits, e.g. U024BE7LH';
const GROUP_FORM = 'Slack user group ids are S followed by capitals and digits, e.g. S0614TZR7';
const CHANNEL_FORM = 'Slack channel ids are C, G or D followed by capitals and digits, e.g. C024BE91L';

describe('Slack ids', () => {
  it.each<[string, Validator, string, string]>([
    ['user', validateSlackUserId, 'U024BE7LH', 'U024BE7LH'],
    ['Enterprise Grid user', validateSlackUserId, 'W012A3CDE', 'W012A3CDE'],
    ['user mention', validateSlackUserId, '<@U024BE7LH>', 'U024BE7LH'],
    ['user mention with a name', validateSlackUserId, '<@U024BE7LH|alice>', 'U024BE7LH'],
    ['user group', validateSlackUsergroupId, 'S0614TZR7', 'S0614TZR7'],
    ['user group mention', validateSlackUsergroupId, '<!subteam^S0614TZR7>', 'S0614TZR7'],
    ['user group mention with a handle', validateSlackUsergroupId, '<!subteam^S0614TZR7|@oncall>', 'S0614TZR7'],
    ['public channel', validateSlackChannelId, 'C024BE91L', 'C024BE91L'],
    ['private channel', validateSlackChannelId, 'G024BE91L', 'G024BE91L'],
    ['DM', validateSlackChannelId, 'D024BE91L', 'D024BE91L'],
    ['channel mention', validateSlackChannelId, '<#C024BE91L|general>', 'C024BE91L'],
  ])('accepts a %s', (_name, validate, text, expected) => {
    expect(expectValid(validate(text))).toBe(expected);
  });

  it.each<[string, Validator, string, string, string]>([
    ['a channel id as a user', validateSlackUserId, 'C024BE91L', USER_FORM, "(got 'C024BE91L')."],
    ['a lowercase user id', validateSlackUserId, 'u024be7lh', USER_FORM, "did you mean 'U024BE7LH'?"],
    ['a too-short id', validateSlackUserId, 'U1', USER_FORM, "(got 'U1')."],
    ['a too-long id', validateSlackUserId, `U${'A'.repeat(21)}`, USER_FORM, "(got 'UAAAA"],
    ['a name', validateSlackUserId, '@alice', USER_FORM, "(got '@alice')."],
    ['<!channel>', validateSlackUserId, '<!channel>', USER_FORM, "(got '<!channel>')."],
    ['a mention with markup inside', validateSlackUserId, '<@U1<!here>>', USER_FORM, "(got '<@U1<!here>>')."],
    ['a user id as a group', validateSlackUsergroupId, 'U024BE7LH', GROUP_FORM, "(got 'U024BE7LH')."],
    ['<!here> as a group', validateSlackUsergroupId, '<!here>', GROUP_FORM, "(got '<!here>')."],
    ['a user mention as a channel', validateSlackChannelId, '<@U024BE7LH>', CHANNEL_FORM, "(got '<@U024BE7LH>')."],
    ['a channel name', validateSlackChannelId, '#general', CHANNEL_FORM, "(got '#general')."],
    ['an id with a control character', validateSlackChannelId, 'C024\u0000BE91L', CHANNEL_FORM, "(got 'C024\\u0000BE91L')."],
  ])('refuses %s, showing the valid form', (_name, validate, text, form, detail) => {
    expectProblem(validate(text), form, detail);
  });
});
