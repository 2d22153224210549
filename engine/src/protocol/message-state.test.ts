// msgs_state_info's state bytes, both ways, and what a session reports for the server's msg_ids.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { LAYER, deserializeObject, serializeObject, type TlObject } from '../tl/index.js'
import { withInitConnection } from './init-connection.js'
import { MSG_STATE, MSG_STATE_FLAG, messageStateByte, peerLacks } from './message-state.js'

describe('message state bytes', () => {
  test('what this side reports: 1 below the window, 2 unseen inside it, 3 above it, 4 (+8 acked, +16 no ack needed)', () => {
    const s = (seen: 'below' | 'seen' | 'unseen' | 'above', ackPending = false, noAckNeeded = false) => messageStateByte({ seen, ackPending, noAckNeeded })
    assert.equal(s('below'), 1)
    assert.equal(s('unseen'), 2)
    assert.equal(s('above'), 3)
    assert.equal(s('seen', true), 4)
    assert.equal(s('seen', false), 4 + 8)
    assert.equal(s('seen', false, true), 4 + 16)
  })

  test('the other side lacks a message for states 1–3 whatever the flags; has it for 4', () => {
    for (const st of [MSG_STATE.unknown, MSG_STATE.notReceived, MSG_STATE.notReceivedTooHigh]) assert.equal(peerLacks(st), true)
    assert.equal(peerLacks(MSG_STATE.received), false)
    assert.equal(peerLacks(MSG_STATE.received | MSG_STATE_FLAG.queryProcessed | MSG_STATE_FLAG.answerGenerated), false)
    assert.equal(peerLacks(MSG_STATE.notReceived | MSG_STATE_FLAG.noAckNeeded), true)
    assert.equal(peerLacks(0), false, 'no byte (a short info) is not taken as "lost"')
  })
})

describe('withInitConnection', () => {
  test('wraps a query in invokeWithLayer(initConnection(…)) that round-trips through TL', () => {
    const client = { apiId: 4, deviceModel: 'd', systemVersion: 's', appVersion: 'a', systemLangCode: 'en', langCode: 'de' }
    const wrapped = deserializeObject(serializeObject(withInitConnection({ _: 'help.getConfig' } as TlObject, client))) as unknown as {
      _: string
      layer: number
      query: { _: string; apiId: number; langPack: string; langCode: string; query: { _: string } }
    }
    assert.equal(wrapped._, 'invokeWithLayer')
    assert.equal(wrapped.layer, LAYER)
    assert.equal(wrapped.query._, 'initConnection')
    assert.equal(wrapped.query.apiId, 4)
    assert.equal(wrapped.query.langPack, '')
    assert.equal(wrapped.query.langCode, 'de')
    assert.equal(wrapped.query.query._, 'help.getConfig')
  })
})
