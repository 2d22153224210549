// The explicit, hand-checked knowledge the by-name conversion needs between our layer (227) and
// older ones (GramJS's 198): constructors and fields that changed shape, not just name or id.
// Pure data; every entry says which schema lines it bridges. Extend it when a test shows a gap.
import type { ConversionTables } from './layer-convert.js'
import type { TlValue } from './schema-codec.js'

const daysToMonths = (v: TlValue): number | undefined => (typeof v.days === 'number' ? Math.round(v.days / 30) : undefined)

/** Converting 227 objects (results, pushed updates) down to an older layer. */
export const DOWN_TABLES: ConversionTables = {
  coercions: new Map<string, (v: TlValue) => unknown>([
    // 227: messages.importChatInvite / channels.joinChannel = messages.ChatInviteJoinResult, and
    // messages.chatInviteJoinResultOk#… updates:Updates; 198: both methods return Updates.
    ['messages.chatInviteJoinResultOk->Updates', (v) => v.updates],
    // 227: user/channel `stories_max_id:flags2.N?RecentStory` and stories.getPeerMaxIDs =
    // Vector<RecentStory> (recentStory flags:# live:flags.0?true max_id:flags.1?int);
    // 198: `stories_max_id:flags2.N?int`, Vector<int>.
    ['recentStory->int', (v) => v.maxId],
    // 227: stories.canSendStory = stories.CanSendStoryCount; 198: = Bool (an answer means "yes").
    ['stories.canSendStoryCount->Bool', () => true],
    // 227: updatePaidReactionPrivacy / messages.togglePaidReactionPrivacy take PaidReactionPrivacy;
    // 198: `private:Bool` (true = anonymous).
    ['paidReactionPrivacyDefault->Bool', () => false],
    ['paidReactionPrivacyAnonymous->Bool', () => true],
    ['paidReactionPrivacyPeer->Bool', () => false],
  ]),
  typeFallbacks: new Map([
    // Constructors newer than the client (messageMediaToDo, messageMediaVideoStream …) become
    // what Telegram sends clients that do not know a media kind.
    ['MessageMedia', 'messageMediaUnsupported'],
    // New service actions (messageActionTodoCompletions …): an empty action keeps the message.
    ['MessageAction', 'messageActionEmpty'],
    // New entity kinds (messageEntityFormattedDate …): offset/length survive, the kind does not.
    ['MessageEntity', 'messageEntityUnknown'],
    // 227 peerColorCollectible (collectible gift colors): an older client shows the default color.
    ['PeerColor', 'peerColor'],
    // 227 starsTonAmount amount:long (TON): 198 only has starsAmount amount:long nanos:int.
    ['StarsAmount', 'starsAmount'],
  ]),
  fieldSources: new Map<string, (v: TlValue) => unknown>([
    // 227: messageActionSetChatTheme theme:ChatTheme (chatTheme emoticon:string); 198: emoticon:string.
    [
      'messageActionSetChatTheme.emoticon',
      (v) => (typeof v.theme === 'object' && (v.theme as TlValue | null)?._ === 'chatTheme' ? (v.theme as TlValue).emoticon : undefined),
    ],
    // 227: `days:int`; 198: `months:int` (gift durations were counted in months).
    ['messageActionGiftPremium.months', daysToMonths],
    ['messageActionGiftCode.months', daysToMonths],
    ['payments.checkedGiftCode.months', daysToMonths],
    // 227: starsTransaction amount:StarsAmount; 198: stars:StarsAmount.
    ['starsTransaction.stars', (v) => v.amount],
  ]),
  // An update the client's layer cannot express is left out of updates/difference vectors
  // (Telegram does not send clients updates of layers they did not declare).
  droppableInVectors: new Set(['Update']),
}

/** Converting requests read in an older layer up to 227. */
export const UP_TABLES: ConversionTables = {
  coercions: new Map<string, (v: TlValue) => unknown>([
    // 198: messages.togglePaidReactionPrivacy private:Bool; 227: private:PaidReactionPrivacy.
    ['Bool->PaidReactionPrivacy', (v) => ({ _: (v as unknown) === true ? 'paidReactionPrivacyAnonymous' : 'paidReactionPrivacyDefault' })],
  ]),
  typeFallbacks: new Map(),
  fieldSources: new Map<string, (v: TlValue) => unknown>([
    // 198: messages.setChatTheme peer:InputPeer emoticon:string; 227: theme:InputChatTheme
    // (inputChatTheme emoticon:string; an empty emoticon meant "no theme": inputChatThemeEmpty).
    [
      'messages.setChatTheme.theme',
      (v) => (typeof v.emoticon !== 'string' ? undefined : v.emoticon === '' ? { _: 'inputChatThemeEmpty' } : { _: 'inputChatTheme', emoticon: v.emoticon }),
    ],
  ]),
  droppableInVectors: new Set(),
}
