// updates.getState / getDifference / getChannelDifference over the world's per-user and
// per-channel logs. https://core.telegram.org/api/updates#recovering-gaps
import { inputChannelToRef } from './convert.js'
import type { HandlerTable } from './handler.js'
import { channelDifferenceToTl, differenceToTl, stateToTl } from './updates.js'
import { worldErrors } from '../world/index.js'

/** How many channel messages channelDifferenceTooLong carries. */
const CHANNEL_TOO_LONG_MESSAGES = 20

export const updateHandlers: HandlerTable = {
  'updates.getState': (_req, env) => stateToTl(env.world.getState(env.ctx)),
  'updates.getDifference': (req, env) => {
    const viewer = env.viewer()
    // pts_total_limit: past it, Telegram answers differenceTooLong instead of the whole log.
    if (req.ptsTotalLimit !== undefined) {
      const now = env.world.getState(env.ctx)
      if (now.pts - req.pts > req.ptsTotalLimit) return { _: 'updates.differenceTooLong', pts: now.pts }
    }
    const diff = env.world.getDifference(env.ctx, { pts: req.pts, date: req.date, qts: req.qts }, req.ptsLimit)
    return differenceToTl(diff, viewer)
  },
  'updates.getChannelDifference': (req, env) => {
    const ref = inputChannelToRef(req.channel)
    const diff = env.world.getChannelDifference(env.ctx, ref, req.pts, req.limit > 0 ? req.limit : undefined)
    const channel = env.world.channel(ref.id)
    if (channel === undefined) throw worldErrors.channelInvalid()
    return channelDifferenceToTl(diff, channel, env.viewer(), () =>
      env.world.getHistory(env.ctx, { type: 'channel', id: channel.id }, { limit: CHANNEL_TOO_LONG_MESSAGES }),
    )
  },
}
