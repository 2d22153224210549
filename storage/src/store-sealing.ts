// What a store seals and how: which databases hold AES-256-GCM sealed values at each sealing
// level, the AAD that binds a value to its place, the key check in the meta record, and re-sealing
// every value in one LMDB transaction (plaintext → sealed, or old key → new key).
// Knows the database names; knows nothing about the records inside the sealed bytes.
import type { KeyCipher } from './key-cipher.js'
import { DB, META_KEY, openDb } from './lmdb-layout.js'
import type { DbName, Env, Key } from './lmdb-layout.js'
import { encodeRecord } from './record-codec.js'
import type { StoreMeta } from './record-codec.js'
import { StoreError } from './store-error.js'

/**
 * Databases whose values are sealed, by sealing level (StoreMeta.sealing).
 * - auth keys: the secret itself; whoever has one can act as the account.
 * - accounts: the phone number and, during login, phone_code_hash.
 * - DC options: may carry an MTProxy secret.
 * - dead letters (level 3): parked updates hold message texts, the most personal data a store keeps.
 * Not sealed, on purpose: server salts and session ids (they only mean something inside MTProto's
 * encrypted envelope, i.e. together with the auth key), peers (access hashes are only honoured
 * from the account's own authorization; sealing them would tax the hottest write path), update
 * state and channel pts (counters), the peer-name index (what the peers table holds). See
 * storage/README.md.
 */
export const SEALED_DBS: readonly (readonly DbName[])[] = [
  [],
  [DB.authKeys],
  [DB.authKeys, DB.accounts, DB.dcOptions],
  [DB.authKeys, DB.accounts, DB.dcOptions, DB.deadLetters],
]
/** The level a store opened with a key is brought to. */
export const CURRENT_SEALING = SEALED_DBS.length - 1

const KEY_CHECK_PLAINTEXT = new TextEncoder().encode('mtswarm key check v1')
const KEY_CHECK_AAD = new TextEncoder().encode(DB.meta)

/**
 * Additional authenticated data of a value: its database and its key, NUL-separated (account
 * ids cannot hold control characters, so the join is unambiguous). A sealed value copied to
 * another key or database fails to open.
 */
export function aadOf(db: DbName, key: Key): Uint8Array {
  const parts = Array.isArray(key) ? key.map(String) : [String(key)]
  return new TextEncoder().encode([db, ...parts].join('\u0000'))
}

/**
 * A level this code does not know would make it read sealed values as plaintext.
 * @throws StoreError 'version' above CURRENT_SEALING, 'corrupt' below 0
 */
export function checkSealingLevel(path: string, level: number): void {
  if (level > CURRENT_SEALING) {
    throw new StoreError('version', path, `store sealing level ${level}, this code knows up to ${CURRENT_SEALING}`)
  }
  if (level < 0) throw new StoreError('corrupt', path, `store sealing level ${level}`)
}

/** Whether the values of `db` are sealed in a store at `level`. */
export function isSealed(level: number, db: DbName): boolean {
  return SEALED_DBS[level]?.includes(db) ?? false
}

/** The meta record's proof of the key. */
export function keyCheckOf(cipher: KeyCipher): Uint8Array {
  return cipher.seal(KEY_CHECK_PLAINTEXT, KEY_CHECK_AAD)
}

/** True when `cipher` holds the key the meta record was sealed with. */
export function keyMatches(meta: StoreMeta, cipher: KeyCipher): boolean {
  const check = meta.keyCheck === undefined ? undefined : cipher.open(meta.keyCheck, KEY_CHECK_AAD)
  return check !== undefined && Buffer.compare(check, KEY_CHECK_PLAINTEXT) === 0
}

/**
 * Re-seal every value of every database sealed at CURRENT_SEALING under `to`, and write the new
 * meta record, in ONE synchronous LMDB transaction: a crash leaves the store entirely as it was or
 * entirely re-sealed. Values of databases sealed at `meta.sealing` are opened with `from`; the
 * others are taken as plaintext.
 * @param onResealing called inside the transaction with the number of values, before any write
 * @returns the number of values re-sealed
 * @throws StoreError 'corrupt' when a sealed value does not open with `from` (nothing is written)
 */
export function resealAll(
  path: string,
  env: Env,
  meta: StoreMeta,
  from: KeyCipher | undefined,
  to: KeyCipher,
  onResealing?: (values: number) => void,
): number {
  if (meta.sealing > 0 && from === undefined) throw new TypeError('a sealed store needs its current key to be re-sealed')
  const next: StoreMeta = { ...meta, sealing: CURRENT_SEALING, keyCheck: keyCheckOf(to) }
  let count = 0
  env.transactionSync(() => {
    // NB: read everything first; writing under an open cursor of the same database is not safe.
    const tables = (SEALED_DBS[CURRENT_SEALING] ?? []).map((name) => {
      const db = openDb(env, name)
      return { name, db, entries: [...db.getRange()].map(({ key, value }) => ({ key, value: Uint8Array.from(value) })) }
    })
    onResealing?.(tables.reduce((n, t) => n + t.entries.length, 0))
    for (const { name, db, entries } of tables) {
      for (const { key, value } of entries) {
        const aad = aadOf(name, key)
        const plain = isSealed(meta.sealing, name) ? from?.open(value, aad) : value
        if (plain === undefined) {
          throw new StoreError('corrupt', path, `${name} value ${JSON.stringify(key)} fails authentication; nothing was re-sealed`)
        }
        db.putSync(key, to.seal(plain, aad))
        plain.fill(0)
        count++
      }
    }
    openDb(env, DB.meta).putSync(META_KEY, encodeRecord('meta', next))
  })
  return count
}
