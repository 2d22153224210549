// The world's invariants, checked after a run: no message twice, each user's pts log gapless, joins
// and leaves alternating and matching membership. Reads the world's parts; changes nothing.
import type { Conversations } from './conversations.js'
import { peerKey, type Directory } from './directory.js'
import type { WorldChannel, WorldChat } from './types.js'
import type { UpdateHub } from './update-hub.js'

/**
 * Duplicate messages anywhere: one (sender, randomId) sent twice, a box holding two copies of
 * one message, or two messages under one id. Returns the violations (empty: none).
 */
export function duplicateMessages(dir: Directory, conv: Conversations): string[] {
  const out: string[] = []
  const byRandom = new Map<string, number>()
  for (const m of conv.logical) {
    if (m.randomId === undefined || m.senderId === undefined) continue
    const k = `${m.senderId}:${m.randomId}`
    const first = byRandom.get(k)
    if (first !== undefined) out.push(`sender ${m.senderId} randomId ${m.randomId}: messages #${first} and #${m.logicalId}`)
    else byRandom.set(k, m.logicalId)
  }
  for (const userId of dir.users.keys()) {
    const ids = new Set<number>()
    const logical = new Set<number>()
    for (const m of conv.boxOf(userId)) {
      if (ids.has(m.id)) out.push(`user ${userId}: message id ${m.id} twice`)
      if (logical.has(m.logicalId)) out.push(`user ${userId}: two copies of message #${m.logicalId}`)
      ids.add(m.id)
      logical.add(m.logicalId)
    }
  }
  for (const channelId of dir.channels.keys()) {
    const ids = new Set<number>()
    for (const m of conv.channelMessages(channelId)) {
      if (ids.has(m.id)) out.push(`channel ${channelId}: message id ${m.id} twice`)
      ids.add(m.id)
    }
  }
  return out
}

/**
 * Every invariant the world keeps: no duplicate messages, each user's pts log gapless, joins
 * and leaves alternating per (peer, user) and members matching them. Returns the violations.
 */
export function invariantViolations(dir: Directory, conv: Conversations, hub: UpdateHub): string[] {
  const out = duplicateMessages(dir, conv)
  for (const userId of dir.users.keys()) {
    let last: number | undefined
    for (const e of hub.logOf(userId)) {
      if (!e.ptsBased) continue
      if (last !== undefined && e.ptsAfter !== last + 1) out.push(`user ${userId}: pts ${last} then ${e.ptsAfter}`)
      last = e.ptsAfter
    }
  }
  // Per (peer, user): join, leave, join, ... alternate, and membership is the last of them.
  const lastKind = new Map<string, 'join' | 'leave'>()
  for (const m of conv.membership) {
    const k = `${peerKey(m.peer)}/${m.userId}`
    if (lastKind.get(k) === m.kind) out.push(`${k}: ${m.kind} twice in a row`)
    lastKind.set(k, m.kind)
  }
  const groups: Array<WorldChat | WorldChannel> = [...dir.chats.values(), ...dir.channels.values()]
  for (const g of groups) {
    for (const id of g.members.keys()) {
      if (lastKind.get(`${g.type}:${g.id}/${id}`) !== 'join') out.push(`${g.type}:${g.id}: member ${id} without a join`)
    }
  }
  for (const [k, kind] of lastKind) {
    const [peer, user] = k.split('/') as [string, string]
    const [type, id] = peer.split(':') as [string, string]
    const g = type === 'chat' ? dir.chats.get(BigInt(id)) : dir.channels.get(BigInt(id))
    if (kind === 'join' && g?.members.has(BigInt(user)) !== true) out.push(`${k}: joined but not a member`)
  }
  return out
}
