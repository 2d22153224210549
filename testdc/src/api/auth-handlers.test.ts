import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { srpClientProof } from '@mtswarm/engine/crypto'
import type { tl } from '@mtswarm/engine/tl'
import { seededRandom } from '../world/index.js'
import { apiKit, as } from './api-test-kit.js'

const inputUserSelf: tl.RawInputUserSelf = { _: 'inputUserSelf' }
const codeSettings: tl.RawCodeSettings = { _: 'codeSettings' }

function sendCode(phoneNumber: string): tl.auth.RawSendCodeRequest {
  return { _: 'auth.sendCode', phoneNumber, apiId: 12345, apiHash: 'hash', settings: codeSettings }
}

describe('before login', () => {
  test('calls that need a user answer 401 AUTH_KEY_UNREGISTERED', async () => {
    const kit = apiKit()
    const ctx = kit.key(2)
    await kit.fails(ctx, { _: 'users.getUsers', id: [inputUserSelf] }, 401, 'AUTH_KEY_UNREGISTERED')
    await kit.fails(ctx, { _: 'updates.getState' }, 401, 'AUTH_KEY_UNREGISTERED')
    await kit.fails(ctx, { _: 'account.getPassword' }, 401, 'AUTH_KEY_UNREGISTERED')
    await kit.fails(ctx, { _: 'account.updateStatus', offline: false }, 401, 'AUTH_KEY_UNREGISTERED')
    await kit.fails(
      ctx,
      { _: 'messages.sendMessage', peer: { _: 'inputPeerSelf' }, message: 'x', randomId: 1n },
      401,
      'AUTH_KEY_UNREGISTERED',
    )
  })

  test('startup calls that need no user still answer valid TL', async () => {
    const kit = apiKit()
    const ctx = kit.key(1)
    const config = as(await kit.call(ctx, { _: 'help.getConfig' }), 'config')
    assert.equal(config.thisDc, 1)
    assert.deepEqual(
      config.dcOptions.map((o) => [o.id, o.ipAddress, o.port]),
      [
        [1, '127.0.0.1', 41001],
        [2, '127.0.0.1', 41002],
        [3, '127.0.0.1', 41003],
      ],
    )
    as(await kit.call(ctx, { _: 'help.getAppConfig', hash: 0 }), 'help.appConfig')
    as(await kit.call(ctx, { _: 'help.getAppConfig', hash: 1 }), 'help.appConfigNotModified')
    const pack = as(await kit.call(ctx, { _: 'langpack.getLangPack', langPack: 'tdesktop', langCode: 'en' }), 'langPackDifference')
    assert.equal(pack.langCode, 'en')
    assert.deepEqual(await kit.call(ctx, { _: 'langpack.getStrings', langPack: '', langCode: 'en', keys: ['a'] }), [])
    await kit.fails(ctx, { _: 'langpack.getLanguage', langPack: '', langCode: 'xx' }, 400, 'LANG_CODE_NOT_SUPPORTED')
    as(await kit.call(ctx, { _: 'help.getNearestDc' }), 'nearestDc')
    as(await kit.call(ctx, { _: 'help.getTermsOfServiceUpdate' }), 'help.termsOfServiceUpdateEmpty')
  })

  test('an unknown method gets Telegram\'s 400 INPUT_METHOD_INVALID_<id>_0 through the fallback', async () => {
    const kit = apiKit()
    // messages.getAllStickers#b8a0a1a8 — a real layer-227 method the test DC does not serve.
    await kit.fails(kit.key(1), { _: 'messages.getAllStickers', hash: 0n }, 400, `INPUT_METHOD_INVALID_${0xb8a0a1a8}_0`)
  })
})

describe('code login', () => {
  test('PHONE_MIGRATE to the home DC, wrong code, then auth.authorization and getUsers(self)', async () => {
    const kit = apiKit()
    const alice = kit.world.presetUser({ phone: '9996621234', firstName: 'Alice', username: 'alice_test' })
    await kit.fails(kit.key(1), sendCode('9996621234'), 303, 'PHONE_MIGRATE_2')

    const ctx = kit.key(2)
    const sent = as(await kit.call(ctx, sendCode('+999 66 2 1234')), 'auth.sentCode')
    assert.deepEqual(sent.type, { _: 'auth.sentCodeTypeApp', length: 5 })
    const signIn = { _: 'auth.signIn', phoneNumber: '9996621234', phoneCodeHash: sent.phoneCodeHash } as const
    await kit.fails(ctx, { ...signIn, phoneCode: '12345' }, 400, 'PHONE_CODE_INVALID')
    await kit.fails(ctx, { ...signIn, phoneCodeHash: 'nope', phoneCode: '22222' }, 400, 'PHONE_CODE_EXPIRED')
    const auth = as(await kit.call(ctx, { ...signIn, phoneCode: '22222' }), 'auth.authorization')
    const user = as(auth.user, 'user')
    assert.equal(user.id, alice.id)
    assert.equal(user.self, true)
    assert.equal(user.accessHash, alice.accessHash)
    assert.equal(user.phone, '9996621234')

    const [me] = await kit.call(ctx, { _: 'users.getUsers', id: [inputUserSelf] })
    assert.equal(as(me!, 'user').username, 'alice_test')
    const state = await kit.call(ctx, { _: 'updates.getState' })
    assert.equal(state.pts, 1) // never 0: mtcute reads pts 0 as "no state"
    assert.equal(await kit.call(ctx, { _: 'account.updateStatus', offline: false }), true)
  })

  test('sign-up of a new number: authorizationSignUpRequired, then auth.signUp', async () => {
    const kit = apiKit()
    const ctx = kit.key(3)
    const sent = as(await kit.call(ctx, sendCode('9996631111')), 'auth.sentCode')
    const res = await kit.call(ctx, { _: 'auth.signIn', phoneNumber: '9996631111', phoneCodeHash: sent.phoneCodeHash, phoneCode: '33333' })
    as(res, 'auth.authorizationSignUpRequired')
    await kit.fails(
      ctx,
      { _: 'auth.signUp', phoneNumber: '9996631111', phoneCodeHash: sent.phoneCodeHash, firstName: ' ', lastName: '' },
      400,
      'FIRSTNAME_INVALID',
    )
    const auth = as(
      await kit.call(ctx, { _: 'auth.signUp', phoneNumber: '9996631111', phoneCodeHash: sent.phoneCodeHash, firstName: 'New', lastName: '' }),
      'auth.authorization',
    )
    const user = as(auth.user, 'user')
    assert.equal(user.firstName, 'New')
    assert.equal(user.lastName, undefined)
    assert.equal(kit.world.userByPhone('9996631111')?.homeDcId, 3)
  })

  test('auth.logOut unbinds the key', async () => {
    const kit = apiKit()
    const u = kit.world.presetUser({ phone: '9996615555', firstName: 'Gone' })
    const ctx = kit.world.loginAs(u.id)
    as(await kit.call(ctx, { _: 'auth.logOut' }), 'auth.loggedOut')
    await kit.fails(ctx, { _: 'users.getUsers', id: [inputUserSelf] }, 401, 'AUTH_KEY_UNREGISTERED')
  })
})

describe('2FA (SRP)', () => {
  test('SESSION_PASSWORD_NEEDED, account.password, wrong password, stale srp_id, then the engine client proof logs in', async () => {
    const kit = apiKit('srp')
    const bob = kit.world.presetUser({ phone: '9996631234', firstName: 'Bob', password: 'hunter2', passwordHint: 'animal' })
    const ctx = kit.key(3)
    const sent = as(await kit.call(ctx, sendCode('9996631234')), 'auth.sentCode')
    await kit.fails(
      ctx,
      { _: 'auth.signIn', phoneNumber: '9996631234', phoneCodeHash: sent.phoneCodeHash, phoneCode: '33333' },
      401,
      'SESSION_PASSWORD_NEEDED',
    )

    const clientRandom = seededRandom('client a')
    const proof = async (password: string) => {
      const pw = await kit.call(ctx, { _: 'account.getPassword' })
      assert.equal(pw.hasPassword, true)
      assert.equal(pw.hint, 'animal')
      const algo = as(pw.currentAlgo!, 'passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow')
      assert.equal(algo.g, 3)
      assert.equal(pw.newAlgo._, 'passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow')
      const res = srpClientProof({ algo, srpB: pw.srpB!, srpId: pw.srpId!, password }, clientRandom)
      assert.ok(res.ok)
      return { _: 'inputCheckPasswordSRP', srpId: res.value.srpId, A: res.value.A, M1: res.value.M1 } as const
    }

    await kit.fails(ctx, { _: 'auth.checkPassword', password: await proof('wrong') }, 400, 'PASSWORD_HASH_INVALID')
    const stale = await proof('hunter2')
    await proof('hunter2') // a new round: the previous srp_id is gone
    await kit.fails(ctx, { _: 'auth.checkPassword', password: stale }, 400, 'SRP_ID_INVALID')
    await kit.fails(ctx, { _: 'auth.checkPassword', password: { _: 'inputCheckPasswordEmpty' } }, 400, 'PASSWORD_HASH_INVALID')

    const auth = as(await kit.call(ctx, { _: 'auth.checkPassword', password: await proof('hunter2') }), 'auth.authorization')
    assert.equal(as(auth.user, 'user').id, bob.id)
    const [me] = await kit.call(ctx, { _: 'users.getUsers', id: [inputUserSelf] })
    assert.equal(as(me!, 'user').self, true)
  })

  test('account.password without 2FA offers new_algo with an 8-byte salt1 and Telegram\'s prime', async () => {
    const kit = apiKit()
    const u = kit.world.presetUser({ phone: '9996617777', firstName: 'Plain' })
    const pw = await kit.call(kit.world.loginAs(u.id), { _: 'account.getPassword' })
    assert.equal(pw.hasPassword, false)
    assert.equal(pw.currentAlgo, undefined)
    const algo = as(pw.newAlgo, 'passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow')
    assert.equal(algo.salt1.length, 8)
    assert.equal(Buffer.from(algo.p).toString('hex').slice(0, 8), 'c71caeb9')
  })
})

describe('other authorizations', () => {
  test('export on the home DC, import on another: the key works there as the same user', async () => {
    const kit = apiKit()
    const u = kit.world.presetUser({ phone: '9996625555', firstName: 'Mover' })
    const home = kit.world.loginAs(u.id)
    await kit.fails(home, { _: 'auth.exportAuthorization', dcId: 2 }, 400, 'DC_ID_INVALID')
    const exported = as(await kit.call(home, { _: 'auth.exportAuthorization', dcId: 1 }), 'auth.exportedAuthorization')
    const other = kit.key(1)
    await kit.fails(other, { _: 'auth.importAuthorization', id: exported.id, bytes: new Uint8Array(32) }, 400, 'AUTH_BYTES_INVALID')
    const auth = as(await kit.call(other, { _: 'auth.importAuthorization', id: exported.id, bytes: exported.bytes }), 'auth.authorization')
    assert.equal(as(auth.user, 'user').id, u.id)
    const [me] = await kit.call(other, { _: 'users.getUsers', id: [inputUserSelf] })
    assert.equal(as(me!, 'user').id, u.id)
  })

  test('bots log in with a token and are refused user-only methods', async () => {
    const kit = apiKit()
    const { user, token } = kit.world.presetBot({ username: 'helper_bot', firstName: 'Helper' })
    const ctx = kit.key(user.homeDcId)
    const req = { _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'h', botAuthToken: token } as const
    await kit.fails(ctx, { ...req, botAuthToken: 'nope' }, 400, 'ACCESS_TOKEN_INVALID')
    const auth = as(await kit.call(ctx, req), 'auth.authorization')
    const bot = as(auth.user, 'user')
    assert.equal(bot.bot, true)
    assert.equal(bot.botInfoVersion, 1)
    await kit.fails(
      ctx,
      { _: 'messages.getDialogs', offsetDate: 0, offsetId: 0, offsetPeer: { _: 'inputPeerEmpty' }, limit: 10, hash: 0n },
      400,
      'BOT_METHOD_INVALID',
    )
  })
})
