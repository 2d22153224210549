// The layer adapter end to end against GramJS (layer 198): realistic results built as layer-227
// objects, down-converted and written by createLayerCodec(198), are read by GramJS's own reader to
// the values we meant; requests GramJS writes are read at 198 and up-converted to 227's shape.
// Every default, drop and table mapping is pinned, so a change in what gets synthesised shows here.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Api } from 'telegram'
import { BinaryReader } from 'telegram/extensions/index.js'
import { returnBigInt } from 'telegram/Helpers.js'
import { LAYER, TlError, TlReader, deserializeObject, readMethodResult, serializeObject, type TlObject } from '@mtswarm/engine/tl'
import { LayerConversionError, type ConversionNote } from './layer-convert.js'
import { availableLayers, createLayerCodec, dcLayersHook, type ApiLayerCodec } from './layer-codec.js'
import type { TlValue } from './schema-codec.js'
import { GRAMJS_LAYER } from './schemas.js'
import { buildTestDcConfig } from '../fallback-api.js'

const codec = createLayerCodec(GRAMJS_LAYER)!
const ours = createLayerCodec(LAYER)!
const big = (n: bigint): ReturnType<typeof returnBigInt> => returnBigInt(n)

/** Asserts `obj` is a valid layer-227 object (the generated writer accepts it) and returns it. */
function valid227<T extends TlValue>(obj: T): T {
  serializeObject(obj as unknown as TlObject)
  return obj
}

/** GramJS reads `bytes` as one boxed value (objects, Vector<…>), consuming all of it. */
function gramjsRead(bytes: Uint8Array): any {
  const reader = new BinaryReader(Buffer.from(bytes))
  const value = reader.tgReadObject()
  assert.equal(reader.tellPosition(), bytes.length, 'GramJS left bytes unread')
  return value
}

/** `instanceof` without narrowing (GramJS values stay `any` for the assertions that follow). */
const isA = (v: unknown, cls: abstract new (...args: never[]) => unknown): boolean => v instanceof cls

const notesOf = (c: ApiLayerCodec, dir: 'down' | 'up'): string[] =>
  (dir === 'down' ? c.downNotes() : c.upNotes())
    .map((n: ConversionNote) => `${n.kind} ${n.constructor}.${n.field} = ${n.value} (${n.reason}) ×${n.count}`)
    .sort()

// ---- realistic layer-227 values (what the API handlers build) ----

const alice = valid227({
  _: 'user',
  self: true,
  id: 1001n,
  accessHash: 0x1234_5678_9abcn,
  firstName: 'Alice',
  lastName: 'Liddell',
  username: 'alice',
  phone: '9996621234',
  status: { _: 'userStatusOnline', expires: 1_700_000_300 },
  color: { _: 'peerColor', color: 3 },
  storiesMaxId: { _: 'recentStory', maxId: 7 },
})
const bob = valid227({ _: 'user', contact: true, id: 1002n, accessHash: 99n, firstName: 'Bob', status: { _: 'userStatusRecently' } })
const group = valid227({
  _: 'chat',
  id: 501n,
  title: 'web-masters',
  photo: { _: 'chatPhotoEmpty' },
  participantsCount: 2,
  date: 1_700_000_000,
  version: 1,
})
const channel = valid227({ _: 'channel', broadcast: true, id: 777n, accessHash: 5n, title: 'news', photo: { _: 'chatPhotoEmpty' }, date: 1_700_000_000 })

const textMessage = valid227({
  _: 'message',
  out: true,
  id: 10,
  fromId: { _: 'peerUser', userId: 1001n },
  peerId: { _: 'peerUser', userId: 1002n },
  date: 1_700_000_100,
  message: 'hello from 227, Ünïcode ✓',
  entities: [
    { _: 'messageEntityBold', offset: 0, length: 5 },
    // 227-only kind: becomes messageEntityUnknown (offset/length kept)
    { _: 'messageEntityFormattedDate', offset: 6, length: 4, date: 1_700_000_000 },
  ],
})
const streamMessage = valid227({
  _: 'message',
  id: 11,
  peerId: { _: 'peerChat', chatId: 501n },
  fromId: { _: 'peerUser', userId: 1002n },
  date: 1_700_000_101,
  message: '',
  // 227-only media: becomes messageMediaUnsupported
  media: { _: 'messageMediaVideoStream', call: { _: 'inputGroupCall', id: 1n, accessHash: 2n } },
})
const pollMessage = valid227({
  _: 'message',
  id: 12,
  peerId: { _: 'peerChat', chatId: 501n },
  date: 1_700_000_102,
  message: '',
  media: {
    _: 'messageMediaPoll',
    poll: {
      _: 'poll',
      id: 42n,
      question: { _: 'textWithEntities', text: 'Tea or coffee?', entities: [] },
      answers: [
        { _: 'pollAnswer', text: { _: 'textWithEntities', text: 'Tea', entities: [] }, option: new Uint8Array([0]) },
        { _: 'pollAnswer', text: { _: 'textWithEntities', text: 'Coffee', entities: [] }, option: new Uint8Array([1]) },
      ],
      hash: 0n,
    },
    // results hidden until voted: 227 leaves voters out, 198 requires it (synthesised 0)
    results: { _: 'pollResults', results: [{ _: 'pollAnswerVoters', chosen: true, option: new Uint8Array([0]) }] },
  },
})
const serviceMessage = valid227({
  _: 'messageService',
  id: 9,
  fromId: { _: 'peerUser', userId: 1001n },
  peerId: { _: 'peerChat', chatId: 501n },
  date: 1_700_000_050,
  action: { _: 'messageActionChatCreate', title: 'web-masters', users: [1001n, 1002n] },
})

const history = valid227({
  _: 'messages.messages',
  messages: [textMessage, streamMessage, pollMessage, serviceMessage],
  chats: [group, channel],
  users: [alice, bob],
  topics: [],
})

const fullUser = valid227({
  _: 'users.userFull',
  fullUser: {
    _: 'userFull',
    id: 1002n,
    about: 'bob, from the test DC',
    settings: { _: 'peerSettings' },
    notifySettings: { _: 'peerNotifySettings' },
    commonChatsCount: 1,
    note: { _: 'textWithEntities', text: '227-only field', entities: [] },
  },
  chats: [],
  users: [bob],
})

const config = valid227(
  buildTestDcConfig({
    thisDc: 2,
    dcs: [
      { id: 1, host: '127.0.0.1', port: 40001 },
      { id: 2, host: '127.0.0.1', port: 40002 },
    ],
    now: 1_700_000_000,
  }) as unknown as TlValue,
)

const pushed = valid227({
  _: 'updates',
  updates: [
    { _: 'updateNewMessage', message: textMessage, pts: 21, ptsCount: 1 },
    // 227-only update: left out for 198
    { _: 'updateChatParticipantRank', chatId: 501n, userId: 1002n, rank: 'admin', version: 2 },
  ],
  users: [alice, bob],
  chats: [],
  date: 1_700_000_100,
  seq: 0,
})

describe('createLayerCodec', () => {
  test('knows our layer and GramJS’s, nothing else', () => {
    assert.deepEqual(availableLayers(), [GRAMJS_LAYER, LAYER])
    assert.equal(codec.layer, 198)
    assert.equal(ours.layer, LAYER)
    assert.equal(createLayerCodec(199), undefined)
    assert.equal(createLayerCodec(198), codec, 'built once per layer')
    assert.equal(dcLayersHook(LAYER), undefined, 'our layer: the DC uses the generated codec')
    assert.equal(typeof dcLayersHook(198)?.readRequest, 'function')
  })

  test('our layer writes results with the generated codec, by the method’s result type', () => {
    const bytes = ours.writeResult('messages.getHistory', history)
    assert.deepEqual(readMethodResult('messages.getHistory', new TlReader(bytes)), deserializeObject(serializeObject(history as unknown as TlObject)))
    const users = ours.writeResult('users.getUsers', [alice, bob])
    assert.deepEqual(readMethodResult('users.getUsers', new TlReader(users)), [alice, bob].map((u) => deserializeObject(serializeObject(u as unknown as TlObject))))
    assert.deepEqual([...ours.writeResult('account.updateStatus', true)], [0xb5, 0x75, 0x72, 0x99])
    const wrongType = (e: unknown): boolean => e instanceof LayerConversionError && e.kind === 'wrong-type'
    assert.throws(() => ours.writeResult('users.getUsers', [alice, group]), wrongType)
    assert.throws(() => ours.writeResult('messages.getHistory', group), wrongType)
    assert.throws(() => ours.writeResult('no.suchMethod', true), (e: unknown) => e instanceof LayerConversionError && e.kind === 'unknown-method')
  })
})

describe('GramJS (layer 198) reads our down-converted results', () => {
  test('messages.messages with users, chats, text/service/poll/unsupported messages', () => {
    codec.resetNotes()
    const res = gramjsRead(codec.writeResult('messages.getHistory', history))
    assert.ok(isA(res, Api.messages.Messages))
    const [text, stream, poll, service] = res.messages
    assert.equal(text.id, 10)
    assert.equal(text.message, 'hello from 227, Ünïcode ✓')
    assert.equal(text.out, true)
    assert.equal(text.peerId.userId.toString(), '1002')
    assert.ok(isA(text.entities[0], Api.MessageEntityBold))
    assert.ok(isA(text.entities[1], Api.MessageEntityUnknown))
    assert.deepEqual([text.entities[1].offset, text.entities[1].length], [6, 4])
    assert.ok(isA(stream.media, Api.MessageMediaUnsupported))
    assert.ok(isA(poll.media, Api.MessageMediaPoll))
    assert.equal(poll.media.poll.question.text, 'Tea or coffee?')
    assert.deepEqual(poll.media.poll.answers.map((a: any) => a.text.text), ['Tea', 'Coffee'])
    assert.equal(poll.media.results.results[0].voters, 0)
    assert.equal(poll.media.results.results[0].chosen, true)
    assert.ok(isA(service.action, Api.MessageActionChatCreate))
    assert.equal(service.action.title, 'web-masters')
    assert.deepEqual(service.action.users.map(String), ['1001', '1002'])
    assert.deepEqual(res.chats.map((c: any) => [c.className, c.id.toString(), c.title]), [
      ['Chat', '501', 'web-masters'],
      ['Channel', '777', 'news'],
    ])
    const [a, b] = res.users
    assert.deepEqual([a.id.toString(), a.firstName, a.lastName, a.username, a.self, a.accessHash.toString()], [
      '1001',
      'Alice',
      'Liddell',
      'alice',
      true,
      String(0x1234_5678_9abcn),
    ])
    assert.equal(a.storiesMaxId, 7)
    assert.equal(a.color.color, 3)
    assert.ok(isA(a.status, Api.UserStatusOnline))
    assert.deepEqual([b.firstName, b.contact, b.self], ['Bob', true, false])
    assert.deepEqual(notesOf(codec, 'down'), [
      'default pollAnswerVoters.voters = 0 (missing) ×1',
      'mapped messageEntityUnknown. = messageEntityUnknown (messageEntityFormattedDate does not exist in layer 198) ×1',
      'mapped messageMediaUnsupported. = messageMediaUnsupported (messageMediaVideoStream does not exist in layer 198) ×1',
      'mapped user.storiesMaxId = recentStory → int (coercion table) ×1',
    ])
  })

  test('users.userFull (227-only fields dropped, 198 shape complete)', () => {
    codec.resetNotes()
    const res = gramjsRead(codec.writeResult('users.getFullUser', fullUser))
    assert.ok(isA(res, Api.users.UserFull))
    assert.equal(res.fullUser.id.toString(), '1002')
    assert.equal(res.fullUser.about, 'bob, from the test DC')
    assert.equal(res.fullUser.commonChatsCount, 1)
    assert.ok(isA(res.fullUser.settings, Api.PeerSettings))
    assert.equal(res.users[0].firstName, 'Bob')
    assert.deepEqual(notesOf(codec, 'down'), [])
  })

  test('pushed updates: updateNewMessage arrives, a 227-only update is left out', () => {
    codec.resetNotes()
    const res = gramjsRead(codec.writeObject(pushed))
    assert.ok(isA(res, Api.Updates))
    assert.equal(res.updates.length, 1)
    assert.ok(isA(res.updates[0], Api.UpdateNewMessage))
    assert.equal(res.updates[0].message.message, 'hello from 227, Ünïcode ✓')
    assert.equal(res.updates[0].pts, 21)
    assert.deepEqual(res.users.map((u: any) => u.firstName), ['Alice', 'Bob'])
    assert.deepEqual(notesOf(codec, 'down'), [
      'dropped updates.updates[] = absent (constructor updateChatParticipantRank does not exist in layer 198) ×1',
      'mapped messageEntityUnknown. = messageEntityUnknown (messageEntityFormattedDate does not exist in layer 198) ×1',
      'mapped user.storiesMaxId = recentStory → int (coercion table) ×1',
    ])
  })

  test('auth.authorization, config, Vector<User>, Bool, importChatInvite', () => {
    codec.resetNotes()
    const auth = gramjsRead(codec.writeResult('auth.signIn', valid227({ _: 'auth.authorization', user: alice })))
    assert.ok(isA(auth, Api.auth.Authorization))
    assert.deepEqual([auth.user.id.toString(), auth.user.firstName, auth.user.self], ['1001', 'Alice', true])

    const cfg = gramjsRead(codec.writeResult('help.getConfig', config))
    assert.ok(isA(cfg, Api.Config))
    assert.equal(cfg.thisDc, 2)
    assert.equal(cfg.testMode, true)
    assert.deepEqual(cfg.dcOptions.map((o: any) => [o.id, o.ipAddress, o.port]), [
      [1, '127.0.0.1', 40001],
      [2, '127.0.0.1', 40002],
    ])

    const users = gramjsRead(codec.writeResult('users.getUsers', [alice, bob]))
    assert.deepEqual(users.map((u: any) => u.firstName), ['Alice', 'Bob'])
    assert.equal(gramjsRead(codec.writeResult('account.updateStatus', false)), false)

    // 227: Vector<RecentStory> / stories.CanSendStoryCount; 198: Vector<int> / Bool (read as GramJS reads results).
    const maxIds = codec.writeResult('stories.getPeerMaxIDs', [
      { _: 'recentStory', live: false, maxId: 5 },
      { _: 'recentStory', live: true, maxId: 9 },
    ])
    // NB: GramJS's typings declare readResult static; at run time it is an instance method.
    const getPeerMaxIds = new Api.stories.GetPeerMaxIDs({ id: [] }) as unknown as { readResult(r: BinaryReader): unknown }
    assert.deepEqual(getPeerMaxIds.readResult(new BinaryReader(Buffer.from(maxIds))), [5, 9])
    const canSend = codec.writeResult('stories.canSendStory', { _: 'stories.canSendStoryCount', countRemains: 3 })
    assert.equal(gramjsRead(canSend), true)

    // 227: messages.ChatInviteJoinResult wraps the updates; 198: the method returns Updates.
    const joined = valid227({ _: 'messages.chatInviteJoinResultOk', updates: { ...pushed, updates: [] } })
    const res = gramjsRead(codec.writeResult('messages.importChatInvite', joined))
    assert.ok(isA(res, Api.Updates))
    assert.equal(res.users.length, 2)
    assert.deepEqual(notesOf(codec, 'down'), [
      'mapped messages.chatInviteJoinResultOk. = messages.chatInviteJoinResultOk → Updates (coercion table) ×1',
      'mapped stories.canSendStory. = stories.canSendStoryCount → Bool (coercion table) ×1',
      'mapped stories.getPeerMaxIDs. = recentStory → int (coercion table) ×2',
      'mapped user.storiesMaxId = recentStory → int (coercion table) ×3',
    ])
  })

  test('what cannot be expressed at 198 is a typed error', () => {
    const isConv = (kind: LayerConversionError['kind']) => (e: unknown) => e instanceof LayerConversionError && e.kind === kind
    assert.throws(() => codec.writeResult('users.getUsers', [group]), isConv('wrong-type'))
    assert.throws(() => codec.writeResult('no.suchMethod', true), isConv('unknown-method'))
    const short = valid227({ _: 'updateShort', update: pushed.updates[1]!, date: 1 })
    assert.throws(() => codec.writeObject(short), isConv('unknown-constructor'))
    // inside an Update vector, an update carrying a 227-only object is left out instead
    const todo = { _: 'inputMediaTodo', todo: { _: 'todoList', title: { _: 'textWithEntities', text: 't', entities: [] }, list: [] } }
    const draft = valid227({ _: 'updateDraftMessage', peer: { _: 'peerUser', userId: 1002n }, draft: { _: 'draftMessage', message: '', date: 1, media: todo } })
    codec.resetNotes()
    const res = gramjsRead(codec.writeObject({ ...pushed, updates: [draft, pushed.updates[0]!] }))
    assert.deepEqual(res.updates.map((u: any) => u.className), ['UpdateNewMessage'])
    assert.ok(codec.downNotes().some((n) => n.kind === 'dropped' && n.constructor === 'updates' && /inputMediaTodo/.test(n.reason)))
  })
})

describe('GramJS-written requests are read at 198 and up-converted to 227', () => {
  const sendMessage = new Api.messages.SendMessage({
    peer: new Api.InputPeerUser({ userId: big(1002n), accessHash: big(99n) }),
    message: 'hi from GramJS',
    randomId: big(-4242n),
    silent: true,
    replyTo: new Api.InputReplyToMessage({ replyToMsgId: 10 }),
    entities: [new Api.MessageEntityItalic({ offset: 0, length: 2 })],
  })

  test('messages.sendMessage (different ids in 198 and 227, same names)', () => {
    codec.resetNotes()
    const bytes = new Uint8Array(sendMessage.getBytes())
    const raw = codec.readRequest(bytes)
    assert.equal(raw._, 'messages.sendMessage')
    assert.equal('allowPaidStars' in raw, false, '198 shape: no 227-only fields')
    const req = codec.readRequestAs227(bytes)
    const expected = {
      _: 'messages.sendMessage',
      noWebpage: false,
      silent: true,
      background: false,
      clearDraft: false,
      noforwards: false,
      updateStickersetsOrder: false,
      invertMedia: false,
      allowPaidFloodskip: false,
      peer: { _: 'inputPeerUser', userId: 1002n, accessHash: 99n },
      replyTo: {
        _: 'inputReplyToMessage',
        replyToMsgId: 10,
      },
      message: 'hi from GramJS',
      randomId: -4242n,
      entities: [{ _: 'messageEntityItalic', offset: 0, length: 2 }],
    }
    assert.deepStrictEqual(req, expected)
    // exactly the shape the generated reader gives for the same 227 request
    assert.deepStrictEqual(deserializeObject(serializeObject(req as unknown as TlObject)), req)
    assert.deepEqual(notesOf(codec, 'up'), [])
  })

  test('invokeWithLayer(initConnection(help.getConfig)), auth.sendCode, users.getUsers, messages.getHistory', () => {
    codec.resetNotes()
    const wrapped = new Api.InvokeWithLayer({
      layer: 198,
      query: new Api.InitConnection({
        apiId: 12345,
        deviceModel: 'mtswarm-interop',
        systemVersion: '1.0',
        appVersion: '1.0',
        systemLangCode: 'en',
        langPack: '',
        langCode: 'en',
        query: new Api.help.GetConfig(),
      }),
    })
    const w = codec.readRequestAs227(new Uint8Array(wrapped.getBytes()))
    assert.equal(w._, 'invokeWithLayer')
    assert.equal(w.layer, 198)
    const init = w.query as TlValue
    assert.deepEqual([init._, init.apiId, init.deviceModel, init.langCode, (init.query as TlValue)._], ['initConnection', 12345, 'mtswarm-interop', 'en', 'help.getConfig'])

    const sendCode = codec.readRequestAs227(
      new Uint8Array(new Api.auth.SendCode({ phoneNumber: '9996621234', apiId: 12345, apiHash: 'abc', settings: new Api.CodeSettings({}) }).getBytes()),
    )
    assert.deepEqual([sendCode._, sendCode.phoneNumber, sendCode.apiId, (sendCode.settings as TlValue)._], ['auth.sendCode', '9996621234', 12345, 'codeSettings'])

    const getUsers = codec.readRequestAs227(new Uint8Array(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }).getBytes()))
    assert.deepStrictEqual(getUsers, { _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] })

    const getHistory = codec.readRequestAs227(
      new Uint8Array(
        new Api.messages.GetHistory({ peer: new Api.InputPeerSelf(), offsetId: 0, offsetDate: 0, addOffset: 0, limit: 100, maxId: 0, minId: 0, hash: big(0n) }).getBytes(),
      ),
    )
    assert.deepEqual([getHistory._, getHistory.limit, getHistory.hash], ['messages.getHistory', 100, 0n])
    assert.deepEqual(notesOf(codec, 'up'), [])
  })

  test('a poll sent at 198: required 227 fields synthesised, an incompatible one dropped, all noted', () => {
    codec.resetNotes()
    const sendMedia = new Api.messages.SendMedia({
      peer: new Api.InputPeerChat({ chatId: big(501n) }),
      media: new Api.InputMediaPoll({
        poll: new Api.Poll({
          id: big(0n),
          quiz: true,
          question: new Api.TextWithEntities({ text: 'Q?', entities: [] }),
          answers: [new Api.PollAnswer({ text: new Api.TextWithEntities({ text: 'A', entities: [] }), option: Buffer.from([0]) })],
        }),
        correctAnswers: [Buffer.from([0])],
      }),
      message: '',
      randomId: big(7n),
    })
    const req = codec.readRequestAs227(new Uint8Array(sendMedia.getBytes()))
    const media = req.media as TlValue
    assert.equal(media._, 'inputMediaPoll')
    assert.equal((media.poll as TlValue).quiz, true)
    assert.equal((media.poll as TlValue).hash, 0n)
    assert.equal(media.correctAnswers, undefined)
    assert.deepStrictEqual(deserializeObject(serializeObject(req as unknown as TlObject)), req)
    assert.deepEqual(notesOf(codec, 'up'), [
      'default poll.hash = 0n (missing) ×1',
      'dropped inputMediaPoll.correctAnswers = absent (bytes(1) is not an int) ×1',
    ])
  })

  test('renamed request fields come from the table; 198-only methods are a typed error', () => {
    codec.resetNotes()
    const theme = codec.readRequestAs227(new Uint8Array(new Api.messages.SetChatTheme({ peer: new Api.InputPeerSelf(), emoticon: '🐈' }).getBytes()))
    assert.deepStrictEqual(theme.theme, { _: 'inputChatTheme', emoticon: '🐈' })
    const bytes = Buffer.from(new Api.users.GetIsPremiumRequiredToContact({ id: [new Api.InputUserSelf()] }).getBytes())
    assert.equal(codec.readRequest(bytes)._, 'users.getIsPremiumRequiredToContact')
    // the DC answers an unknown id at offset 0 with INPUT_METHOD_INVALID_<id>, as for any method it does not serve
    assert.throws(
      () => codec.readRequestAs227(bytes),
      (e: unknown) => e instanceof TlError && e.kind === 'unknown-constructor' && e.offset === 0 && e.constructorId === bytes.readUInt32LE(0),
    )
    // a nested constructor 227 does not know is a typed conversion error
    const discard = new Api.phone.DiscardCall({
      peer: new Api.InputPhoneCall({ id: big(1n), accessHash: big(2n) }),
      duration: 0,
      reason: new Api.PhoneCallDiscardReasonAllowGroupCall({ encryptedKey: Buffer.from([1, 2, 3]) }),
      connectionId: big(0n),
    })
    assert.throws(
      () => codec.readRequestAs227(new Uint8Array(discard.getBytes())),
      (e: unknown) => e instanceof LayerConversionError && e.kind === 'unknown-constructor' && e.path === 'phone.discardCall.reason',
    )
  })
})

describe('schema gaps of layer 198 (where defaults can be synthesised going down)', () => {
  test('the list is pinned; table-bridged fields are marked', () => {
    const gaps = codec.schemaGaps().map((g) => `${g.constructor}.${g.field}:${g.type} (${g.why})${g.bridged ? ' bridged' : ''}`)
    assert.deepEqual(gaps, [
      'messageActionSetChatTheme.emoticon:string (absent in 227) bridged',
      'messageActionGiftPremium.months:int (absent in 227) bridged',
      'messageActionGiftCode.months:int (absent in 227) bridged',
      'updatePaidReactionPrivacy.private:Bool (227 has PaidReactionPrivacy) bridged',
      'pageListOrderedItemText.num:string (optional in 227)',
      'pageListOrderedItemBlocks.num:string (optional in 227)',
      'pollAnswerVoters.voters:int (optional in 227)',
      'urlAuthResultAccepted.url:string (optional in 227)',
      'help.promoData.peer:Peer (optional in 227)',
      'payments.checkedGiftCode.months:int (absent in 227) bridged',
      'starsTransaction.stars:StarsAmount (absent in 227) bridged',
      'starGiftAttributeModel.rarityPermille:int (absent in 227)',
      'starGiftAttributePattern.rarityPermille:int (absent in 227)',
      'starGiftAttributeBackdrop.rarityPermille:int (absent in 227)',
    ])
  })

  test('a bridged gap takes its value from the table, an unbridged one gets a typed default', () => {
    codec.resetNotes()
    const action = valid227({ _: 'messageActionGiftPremium', currency: 'EUR', amount: 500n, days: 90 })
    const setTheme = valid227({ _: 'messageActionSetChatTheme', theme: { _: 'chatTheme', emoticon: '🎄' } })
    const history2 = {
      ...history,
      messages: [
        { ...serviceMessage, id: 20, action },
        { ...serviceMessage, id: 21, action: setTheme },
      ],
    }
    const res = gramjsRead(codec.writeResult('messages.getHistory', valid227(history2)))
    assert.equal(res.messages[0].action.months, 3)
    assert.equal(res.messages[1].action.emoticon, '🎄')
    assert.deepEqual(notesOf(codec, 'down'), [
      'mapped messageActionGiftPremium.months = 3 (field source table) ×1',
      'mapped messageActionSetChatTheme.emoticon = "🎄" (field source table) ×1',
      'mapped user.storiesMaxId = recentStory → int (coercion table) ×1',
    ])
  })
})
