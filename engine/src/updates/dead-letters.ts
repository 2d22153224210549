// Dead letters as the public API shows them: the stored record with its update decoded.
import { StoreError, type DeadLetterRecord } from '@mtswarm/storage'
import { deserializeObject } from '../tl/index.js'
import type { DeliveredUpdate } from './delivery.js'

/** An update whose handlers kept failing, parked in the store. */
export interface DeadLetter {
  /** The update's stable id (DeliveredUpdate.id). */
  readonly id: string
  readonly update: DeliveredUpdate['update']
  /** What the last try threw (at most 2,000 characters). */
  readonly error: string
  readonly attempts: number
  readonly parkedAtMs: number
}

/** The record with its TL payload decoded; a payload that does not decode is StoreError 'corrupt'. */
export function decodeDeadLetter(record: DeadLetterRecord): DeadLetter {
  let update: DeliveredUpdate['update']
  try {
    update = deserializeObject(record.payload) as unknown as DeliveredUpdate['update']
  } catch (e) {
    throw new StoreError('corrupt', `dead letter ${record.id}`, `its update does not decode (${(e as Error).message})`, { cause: e })
  }
  return { id: record.id, update, error: record.error, attempts: record.attempts, parkedAtMs: record.parkedAtMs }
}
