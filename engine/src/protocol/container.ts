// msg_container packing and checked unpacking. Bodies are opaque TL bytes; this file knows only
// the container layout and its limits, nothing of encryption, acks or what the bodies mean.
// https://core.telegram.org/mtproto/service_messages#simple-container
import { err, ok, type Result } from './result.js'

/** `msg_container#73f1f8dc messages:vector<%Message> = MessageContainer;` */
export const MSG_CONTAINER_ID = 0x73f1f8dc
/** Messages per container we send (the docs allow 1024; we keep a margin). */
export const MAX_CONTAINER_MESSAGES = 1020
/** Messages per container we accept. */
export const MAX_RECEIVED_CONTAINER_MESSAGES = 1024
/** The largest MTProto message payload (message_data) the server takes. */
export const MAX_MESSAGE_BYTES = 1024 * 1024
/** Container bytes we send, leaving room for the encrypted headers and up to 1024 bytes of padding. */
export const MAX_CONTAINER_BYTES = MAX_MESSAGE_BYTES - 4096
/** `message msg_id:long seqno:int bytes:int body:Object = Message;` header bytes. */
export const CONTAINER_ITEM_HEADER_BYTES = 16
/** Constructor id + vector count. */
export const CONTAINER_HEADER_BYTES = 8

/** One message inside a container. */
export interface ContainerItem {
  readonly msgId: bigint
  readonly seqNo: number
  /** TL-serialized body (boxed object). */
  readonly body: Uint8Array
}

/** Why a received container was refused. */
export type ContainerError =
  | { readonly kind: 'not-a-container'; readonly expected: number; readonly received: number }
  | { readonly kind: 'truncated'; readonly offset: number; readonly expected: number; readonly received: number }
  | { readonly kind: 'too-many-messages'; readonly expected: number; readonly received: number }
  | { readonly kind: 'bad-inner-length'; readonly msgId: bigint; readonly received: number }
  | { readonly kind: 'nested-container'; readonly msgId: bigint }
  | { readonly kind: 'inner-msg-id-not-below-container'; readonly msgId: bigint; readonly containerMsgId: bigint }
  | { readonly kind: 'duplicate-inner-msg-id'; readonly msgId: bigint }
  | { readonly kind: 'trailing-bytes'; readonly expected: number; readonly received: number }

/** True when `body` is a boxed msg_container. */
export function isContainer(body: Uint8Array): boolean {
  return body.length >= 4 && new DataView(body.buffer, body.byteOffset, 4).getUint32(0, true) === MSG_CONTAINER_ID
}

/** Bytes a container holding these bodies takes. */
export function containerSize(bodies: readonly { readonly body: Uint8Array }[]): number {
  let n = CONTAINER_HEADER_BYTES
  for (const m of bodies) n += CONTAINER_ITEM_HEADER_BYTES + m.body.length
  return n
}

/**
 * How many messages from the front of `queue` fit in one container (message and byte limits).
 * Always at least 1 for a non-empty queue: a batch of one goes out without a container, whatever
 * its size.
 */
export function containerBatchSize(queue: readonly { readonly body: Uint8Array }[]): number {
  let bytes = CONTAINER_HEADER_BYTES
  let n = 0
  for (const m of queue) {
    const next = bytes + CONTAINER_ITEM_HEADER_BYTES + m.body.length
    if (n >= MAX_CONTAINER_MESSAGES || (n > 0 && next > MAX_CONTAINER_BYTES)) break
    bytes = next
    n++
  }
  return n
}

/**
 * Serializes a container. The caller gives the container itself a msg_id greater than every
 * inner one (and a non-content-related seqno).
 * Throws RangeError on programmer error: too many messages, too many bytes, a nested container.
 */
export function packContainer(items: readonly ContainerItem[]): Uint8Array {
  if (items.length > MAX_CONTAINER_MESSAGES) {
    throw new RangeError(`container holds at most ${MAX_CONTAINER_MESSAGES} messages, got ${items.length}`)
  }
  const size = containerSize(items)
  if (size > MAX_CONTAINER_BYTES) throw new RangeError(`container of ${size} bytes exceeds ${MAX_CONTAINER_BYTES}`)
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  view.setUint32(0, MSG_CONTAINER_ID, true)
  view.setInt32(4, items.length, true)
  let pos = CONTAINER_HEADER_BYTES
  for (const item of items) {
    if (isContainer(item.body)) throw new RangeError(`message ${item.msgId} is a container; containers do not nest`)
    view.setBigInt64(pos, BigInt.asIntN(64, item.msgId), true)
    view.setInt32(pos + 8, item.seqNo, true)
    view.setInt32(pos + 12, item.body.length, true)
    out.set(item.body, pos + CONTAINER_ITEM_HEADER_BYTES)
    pos += CONTAINER_ITEM_HEADER_BYTES + item.body.length
  }
  return out
}

/**
 * Parses a received container (`body` starts with the msg_container id) whose own msg_id is
 * `containerMsgId`. Every inner message must have a lower msg_id, a body length that is a
 * multiple of 4 within the container, and must not itself be a container.
 * NB: a container is accepted or rejected as a whole.
 */
export function unpackContainer(body: Uint8Array, containerMsgId: bigint): Result<ContainerItem[], ContainerError> {
  if (body.length < CONTAINER_HEADER_BYTES) {
    return err({ kind: 'truncated', offset: 0, expected: CONTAINER_HEADER_BYTES, received: body.length })
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength)
  const id = view.getUint32(0, true)
  if (id !== MSG_CONTAINER_ID) return err({ kind: 'not-a-container', expected: MSG_CONTAINER_ID, received: id })
  const count = view.getInt32(4, true)
  if (count < 0 || count > MAX_RECEIVED_CONTAINER_MESSAGES) {
    return err({ kind: 'too-many-messages', expected: MAX_RECEIVED_CONTAINER_MESSAGES, received: count })
  }
  const items: ContainerItem[] = []
  const seen = new Set<bigint>()
  let pos = CONTAINER_HEADER_BYTES
  for (let i = 0; i < count; i++) {
    if (pos + CONTAINER_ITEM_HEADER_BYTES > body.length) {
      return err({ kind: 'truncated', offset: pos, expected: CONTAINER_ITEM_HEADER_BYTES, received: body.length - pos })
    }
    const msgId = view.getBigInt64(pos, true)
    const seqNo = view.getInt32(pos + 8, true)
    const length = view.getInt32(pos + 12, true)
    const start = pos + CONTAINER_ITEM_HEADER_BYTES
    if (length < 4 || length % 4 !== 0) return err({ kind: 'bad-inner-length', msgId, received: length })
    if (start + length > body.length) {
      return err({ kind: 'truncated', offset: start, expected: length, received: body.length - start })
    }
    const inner = body.subarray(start, start + length)
    if (isContainer(inner)) return err({ kind: 'nested-container', msgId })
    if (msgId >= containerMsgId) return err({ kind: 'inner-msg-id-not-below-container', msgId, containerMsgId })
    if (seen.has(msgId)) return err({ kind: 'duplicate-inner-msg-id', msgId })
    seen.add(msgId)
    items.push({ msgId, seqNo, body: inner })
    pos = start + length
  }
  if (pos !== body.length) return err({ kind: 'trailing-bytes', expected: pos, received: body.length })
  return ok(items)
}
