import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { World } from './world.js'
import { throwsWorldError } from '../testing/world-errors.js'
import { seededRandom } from './seeded-random.js'
import { srpClientProof } from './srp-client.js'
import type { CallContext } from './types.js'

const START_MS = 1_700_000_000_000

function makeWorld(seed = 'login') {
  const time = { ms: START_MS }
  const world = new World({ clock: () => time.ms, random: seededRandom(seed) })
  return { world, time }
}

function key(dcId: number, authKeyId: bigint): CallContext {
  return { dcId, authKeyId }
}

describe('login codes and DC homing', () => {
  test('a test number 99966XYYYY lives on DC X and gets code XXXXX', () => {
    const { world } = makeWorld()
    const user = world.presetUser({ phone: '9996621234', firstName: 'Two' })
    assert.equal(user.homeDcId, 2)
    const ctx = key(2, 11n)
    const sent = world.sendCode(ctx, '+999 66 2 1234')
    assert.equal(sent.type, 'app')
    assert.equal(sent.registered, true)
    assert.equal(world.lastCodeFor('9996621234'), '22222')
    const res = world.signIn(ctx, '9996621234', sent.phoneCodeHash, '22222')
    assert.equal(res.kind, 'authorized')
    assert.equal(world.self(ctx).id, user.id)
  })

  test('sendCode on a DC other than the phone\'s home answers PHONE_MIGRATE_X', () => {
    const { world } = makeWorld()
    throwsWorldError(() => world.sendCode(key(1, 1n), '9996631234'), 303, 'PHONE_MIGRATE_3')
    world.presetUser({ phone: '15550001111', firstName: 'Default' })
    throwsWorldError(() => world.sendCode(key(2, 1n), '15550001111'), 303, 'PHONE_MIGRATE_1')
    // A test number naming a DC the world does not run is not a valid number.
    throwsWorldError(() => world.sendCode(key(1, 1n), '9996691234'), 400, 'PHONE_NUMBER_INVALID')
    throwsWorldError(() => world.sendCode(key(1, 1n), 'not a phone'), 400, 'PHONE_NUMBER_INVALID')
  })

  test('other numbers get a generated code, exposed through lastCodeFor', () => {
    const { world } = makeWorld()
    world.presetUser({ phone: '15550002222', firstName: 'Sms' })
    const ctx = key(1, 5n)
    const sent = world.sendCode(ctx, '15550002222')
    assert.equal(sent.type, 'sms')
    const code = world.lastCodeFor('15550002222')
    assert.match(code ?? '', /^\d{5}$/)
    throwsWorldError(() => world.signIn(ctx, '15550002222', sent.phoneCodeHash, ''), 400, 'PHONE_CODE_EMPTY')
    const wrong = code === '00000' ? '11111' : '00000'
    throwsWorldError(() => world.signIn(ctx, '15550002222', sent.phoneCodeHash, wrong), 400, 'PHONE_CODE_INVALID')
    assert.equal(world.signIn(ctx, '15550002222', sent.phoneCodeHash, code as string).kind, 'authorized')
    // The hash is spent once used.
    throwsWorldError(() => world.signIn(ctx, '15550002222', sent.phoneCodeHash, code as string), 400, 'PHONE_CODE_EXPIRED')
  })

  test('codes expire with the clock, are bound to the key, and a new sendCode replaces the old hash', () => {
    const { world, time } = makeWorld()
    world.presetUser({ phone: '9996611111', firstName: 'One' })
    const ctx = key(1, 7n)
    const first = world.sendCode(ctx, '9996611111')
    const second = world.sendCode(ctx, '9996611111')
    throwsWorldError(() => world.signIn(ctx, '9996611111', first.phoneCodeHash, '11111'), 400, 'PHONE_CODE_EXPIRED')
    throwsWorldError(() => world.signIn(key(1, 8n), '9996611111', second.phoneCodeHash, '11111'), 400, 'PHONE_CODE_EXPIRED')
    time.ms += 5 * 60_000
    throwsWorldError(() => world.signIn(ctx, '9996611111', second.phoneCodeHash, '11111'), 400, 'PHONE_CODE_EXPIRED')
  })

  test('a new phone signs up after signIn answers signUpRequired', () => {
    const { world } = makeWorld()
    const ctx = key(2, 21n)
    const sent = world.sendCode(ctx, '9996625555')
    assert.equal(sent.registered, false)
    throwsWorldError(() => world.signUp(ctx, '9996625555', sent.phoneCodeHash, 'New'), 400, 'PHONE_NUMBER_UNOCCUPIED')
    assert.deepEqual(world.signIn(ctx, '9996625555', sent.phoneCodeHash, '22222'), { kind: 'signUpRequired' })
    throwsWorldError(() => world.self(ctx), 401, 'AUTH_KEY_UNREGISTERED')
    throwsWorldError(() => world.signUp(ctx, '9996625555', sent.phoneCodeHash, '  '), 400, 'FIRSTNAME_INVALID')
    const user = world.signUp(ctx, '9996625555', sent.phoneCodeHash, 'New', 'Person')
    assert.equal(user.homeDcId, 2)
    assert.equal(user.lastName, 'Person')
    assert.equal(world.self(ctx).id, user.id)
    assert.equal(world.userByPhone('9996625555')?.id, user.id)
  })
})

describe('flood rule', () => {
  test('opt-in: too many sendCode calls for one phone answer FLOOD_WAIT_X until the window frees', () => {
    const time = { ms: START_MS }
    const world = new World({ clock: () => time.ms, random: seededRandom('flood'), sendCodeFlood: { max: 2, windowMs: 10_000 } })
    const ctx = key(1, 1n)
    world.sendCode(ctx, '9996610001')
    time.ms += 1_000
    world.sendCode(ctx, '9996610001')
    world.sendCode(ctx, '9996610002') // another phone has its own budget
    time.ms += 1_500
    throwsWorldError(() => world.sendCode(ctx, '9996610001'), 420, 'FLOOD_WAIT_8')
    time.ms += 7_500
    assert.equal(world.sendCode(ctx, '9996610001').codeLength, 5)
  })
})

describe('2FA with SRP', () => {
  test('SESSION_PASSWORD_NEEDED, then checkPassword with a real SRP proof binds the key', () => {
    const { world } = makeWorld('srp')
    const user = world.presetUser({ phone: '9996634567', firstName: 'Locked', password: 'hunter2', passwordHint: 'h' })
    const ctx = key(3, 99n)
    const sent = world.sendCode(ctx, '9996634567')
    throwsWorldError(() => world.signIn(ctx, '9996634567', sent.phoneCodeHash, '33333'), 401, 'SESSION_PASSWORD_NEEDED')
    throwsWorldError(() => world.self(ctx), 401, 'AUTH_KEY_UNREGISTERED')

    const info = world.getPassword(ctx)
    assert.ok(info.hasPassword)
    assert.equal(info.hint, 'h')
    assert.equal(info.params.g, 3)
    assert.equal(info.params.p.length, 256)
    const clientSecret = seededRandom('client-a')(256)

    const bad = srpClientProof('hunter3', info.params, info.srpB, clientSecret)
    throwsWorldError(() => world.checkPassword(ctx, { srpId: info.srpId, ...bad }), 400, 'PASSWORD_HASH_INVALID')
    throwsWorldError(() => world.checkPassword(ctx, { srpId: info.srpId + 1n, ...bad }), 400, 'SRP_ID_INVALID')

    const good = srpClientProof('hunter2', info.params, info.srpB, clientSecret)
    assert.equal(world.checkPassword(ctx, { srpId: info.srpId, ...good }).id, user.id)
    assert.equal(world.self(ctx).id, user.id)
    // The SRP round is spent.
    throwsWorldError(() => world.checkPassword(ctx, { srpId: info.srpId, ...good }), 400, 'SRP_ID_INVALID')
  })

  test('the world keeps only the verifier, and getPassword without 2FA says so', () => {
    const { world } = makeWorld()
    const user = world.presetUser({ phone: '9996611112', firstName: 'Open' })
    assert.deepEqual(world.getPassword(world.loginAs(user.id)), { hasPassword: false })
    throwsWorldError(() => world.getPassword(key(1, 404n)), 401, 'AUTH_KEY_UNREGISTERED')
  })
})

describe('authorizations across DCs', () => {
  test('exportAuthorization on the home DC, importAuthorization on the target DC only', () => {
    const { world } = makeWorld()
    const user = world.presetUser({ phone: '9996621111', firstName: 'Mover' })
    const home = world.loginAs(user.id)
    assert.equal(home.dcId, 2)
    throwsWorldError(() => world.exportAuthorization(home, 2), 400, 'DC_ID_INVALID')
    throwsWorldError(() => world.exportAuthorization(home, 9), 400, 'DC_ID_INVALID')
    const exp = world.exportAuthorization(home, 1)
    throwsWorldError(() => world.importAuthorization(key(3, 5n), exp.id, exp.bytes), 400, 'AUTH_BYTES_INVALID')
    throwsWorldError(() => world.importAuthorization(key(1, 5n), exp.id, new Uint8Array(exp.bytes.length)), 400, 'AUTH_BYTES_INVALID')
    const other = key(1, 5n)
    assert.equal(world.importAuthorization(other, exp.id, exp.bytes).id, user.id)
    assert.equal(world.self(other).id, user.id)
    assert.deepEqual(
      world.authKeysOf(user.id).map((c) => c.dcId).sort(),
      [1, 2],
    )
  })

  test('AUTH_KEY_UNREGISTERED on unbound keys, after logOut and after revocation', () => {
    const { world } = makeWorld()
    const user = world.presetUser({ phone: '9996611113', firstName: 'Out' })
    throwsWorldError(() => world.getState(key(1, 1234n)), 401, 'AUTH_KEY_UNREGISTERED')
    const a = world.loginAs(user.id)
    const b = world.loginAs(user.id)
    world.logOut(a)
    throwsWorldError(() => world.self(a), 401, 'AUTH_KEY_UNREGISTERED')
    assert.equal(world.self(b).id, user.id)
    world.revokeAuthKey(b)
    throwsWorldError(() => world.self(b), 401, 'AUTH_KEY_UNREGISTERED')
    assert.equal(world.stats().boundAuthKeys, 0)
  })

  test('a migrated account answers USER_MIGRATE_X on old keys and PHONE_MIGRATE_X on new logins', () => {
    const { world } = makeWorld()
    const user = world.presetUser({ phone: '9996611114', firstName: 'Moved' })
    const ctx = world.loginAs(user.id)
    world.migrateUser(user.id, 3)
    throwsWorldError(() => world.self(ctx), 303, 'USER_MIGRATE_3')
    throwsWorldError(() => world.sendCode(key(1, 77n), '9996611114'), 303, 'PHONE_MIGRATE_3')
    const sent = world.sendCode(key(3, 77n), '9996611114')
    // Test numbers keep their code rule by number, wherever the account lives now.
    assert.equal(world.signIn(key(3, 77n), '9996611114', sent.phoneCodeHash, '11111').kind, 'authorized')
  })

  test('bots log in with their token on their home DC', () => {
    const { world } = makeWorld()
    const { user: bot, token } = world.presetBot({ username: 'karma_bot', firstName: 'Karma', homeDcId: 2 })
    assert.match(token, new RegExp(`^${bot.id}:`))
    throwsWorldError(() => world.importBotAuthorization(key(2, 1n), token + 'x'), 400, 'ACCESS_TOKEN_INVALID')
    throwsWorldError(() => world.importBotAuthorization(key(1, 1n), token), 303, 'USER_MIGRATE_2')
    const ctx = key(2, 1n)
    assert.equal(world.importBotAuthorization(ctx, token).bot, true)
    assert.equal(world.self(ctx).id, bot.id)
  })

  test('a deactivated account answers USER_DEACTIVATED', () => {
    const { world } = makeWorld()
    const user = world.presetUser({ phone: '9996611115', firstName: 'Gone' })
    const ctx = world.loginAs(user.id)
    world.deactivateUser(user.id)
    throwsWorldError(() => world.self(ctx), 401, 'USER_DEACTIVATED')
    throwsWorldError(() => world.sendCode(key(1, 3n), '9996611115'), 400, 'PHONE_NUMBER_BANNED')
  })
})
