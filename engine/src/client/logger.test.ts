// logEvent without an engine: each event's level, its child's bindings, the record's fields, and
// nothing built when the logger says the level is off.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { EngineEvent } from './engine-events.js'
import { logEvent, type LogBindings, type Logger } from './logger.js'

interface Line {
  readonly level: string
  readonly bindings: LogBindings | null
  readonly obj: object
  readonly msg: string | undefined
}

function recorder(lines: Line[], enabled: (level: string) => boolean = () => true, bindings: LogBindings | null = null, children = { made: 0 }): Logger & { children: { made: number } } {
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, bindings, obj, msg })
  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    child: (b) => {
      children.made++
      return recorder(lines, enabled, b, children)
    },
    isLevelEnabled: enabled,
    children,
  }
}

const AT = { atMs: 1 }

describe('logEvent', () => {
  test('each event goes to its level through a child bound to its account, DC and machine', () => {
    const cases: [EngineEvent, string, LogBindings, string][] = [
      [{ type: 'dc.failed', ...AT, accountId: 'a', dcId: 2, reason: 'restart budget spent' }, 'error', { account: 'a', dc: 2, machine: 'dc-connection' }, 'connection gave up: restart budget spent'],
      [{ type: 'dc.down', ...AT, accountId: 'a', dcId: 1, reason: 'socket closed' }, 'warn', { account: 'a', dc: 1, machine: 'dc-connection' }, 'connection down: socket closed'],
      [{ type: 'warning', ...AT, accountId: 'a', message: 'store write failed' }, 'warn', { account: 'a', machine: 'account' }, 'store write failed'],
      [{ type: 'warning', ...AT, message: 'no account' }, 'warn', { machine: 'engine' }, 'no account'],
      [{ type: 'auth.revoked', ...AT, accountId: 'a', dcId: 2, errorMessage: 'SESSION_REVOKED' }, 'warn', { account: 'a', dc: 2, machine: 'account' }, 'authorization revoked: SESSION_REVOKED'],
      [{ type: 'login', ...AT, accountId: 'a', userId: 5n, homeDcId: 2, via: 'code' }, 'info', { account: 'a', dc: 2, machine: 'account' }, 'logged in (code)'],
      [{ type: 'handshake', ...AT, accountId: 'a', dcId: 3 }, 'info', { account: 'a', dc: 3, machine: 'handshake' }, 'auth key created'],
      [{ type: 'account.migrated', ...AT, accountId: 'a', fromDcId: 1, toDcId: 2 }, 'info', { account: 'a', dc: 2, machine: 'account' }, 'home DC moved 1 → 2'],
      [{ type: 'dc.ready', ...AT, accountId: 'a', dcId: 1 }, 'debug', { account: 'a', dc: 1, machine: 'dc-connection' }, 'connection ready'],
      [{ type: 'account.state', ...AT, accountId: 'a', state: 'authorized' }, 'debug', { account: 'a', machine: 'account' }, 'state authorized'],
      [{ type: 'rpc.migrated', ...AT, accountId: 'a', method: 'auth.sendCode', fromDcId: 1, toDcId: 2, errorMessage: 'PHONE_MIGRATE_2' }, 'debug', { account: 'a', dc: 2, machine: 'rpc' }, 'auth.sendCode moved 1 → 2 (PHONE_MIGRATE_2)'],
      [{ type: 'rpc.settled', ...AT, accountId: 'a', dcId: 2, method: 'help.getConfig', durationMs: 3, ok: true }, 'trace', { account: 'a', dc: 2, machine: 'rpc' }, 'help.getConfig ok in 3 ms'],
      [{ type: 'rpc.settled', ...AT, accountId: 'a', dcId: 2, method: 'auth.signIn', durationMs: 4, ok: false, error: 'PHONE_CODE_INVALID' }, 'debug', { account: 'a', dc: 2, machine: 'rpc' }, 'auth.signIn failed: PHONE_CODE_INVALID in 4 ms'],
    ]
    for (const [event, level, bindings, msg] of cases) {
      const lines: Line[] = []
      logEvent(recorder(lines), event)
      assert.equal(lines.length, 1, event.type)
      assert.deepEqual(lines[0], {
        level,
        bindings,
        obj: Object.fromEntries([['event', event.type], ...Object.entries(event).filter(([k]) => !['type', 'atMs', 'accountId'].includes(k))]),
        msg,
      })
    }
  })

  test('a level the logger has off builds no child and no record', () => {
    const lines: Line[] = []
    const logger = recorder(lines, (level) => level !== 'trace')
    logEvent(logger, { type: 'rpc.settled', ...AT, accountId: 'a', dcId: 2, method: 'help.getConfig', durationMs: 3, ok: true })
    assert.deepEqual(lines, [])
    assert.equal(logger.children.made, 0)
    logEvent(logger, { type: 'dc.down', ...AT, accountId: 'a', dcId: 1, reason: 'x' })
    assert.equal(lines.length, 1)
    assert.equal(logger.children.made, 1)
  })
})
