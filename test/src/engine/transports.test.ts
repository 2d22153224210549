// The runtime end to end over every client transport the codecs speak, obfuscated2 around each
// tagged one:
// handshake, a burst of calls packed into containers, answers of every size (so that padded
// intermediate's 0..15 trailing bytes land after every length mod 16), and not one packet refused.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { RuntimeTransport } from '@mtswarm/engine'
import type { tl } from '@mtswarm/engine/tl'
import { runtimeFor, startDc } from './harness.js'

// NB: obfuscated2 wraps only the tagged transports (full has no tag to hide).
const OBFUSCATABLE = ['abridged', 'intermediate', 'padded-intermediate'] as const
const TRANSPORTS: RuntimeTransport[] = [...OBFUSCATABLE, 'full', ...OBFUSCATABLE.map((t) => `obfuscated2/${t}` as const)]

describe('runtime over every transport', () => {
  for (const transport of TRANSPORTS) {
    test(`${transport}: handshake, 40 calls in containers, no packet refused`, async () => {
      const dc = await startDc()
      const rt = runtimeFor(dc, { transport })
      try {
        const cfg = (await rt.invoke('acc', 1, { _: 'help.getConfig' })) as tl.RawConfig
        assert.equal(cfg._, 'config')
        // getNearestDc answers are short, getConfig's long: interleaved they vary every length
        const calls = Array.from({ length: 40 }, (_, i) =>
          rt.invoke('acc', 1, i % 3 === 0 ? { _: 'help.getConfig' } : { _: 'help.getNearestDc' }),
        )
        const results = (await Promise.all(calls)) as { _: string }[]
        assert.deepEqual(
          results.map((r) => r._),
          calls.map((_, i) => (i % 3 === 0 ? 'config' : 'nearestDc')),
        )
        assert.equal(dc.stats.handshakesCompleted, 1)
        assert.equal(rt.stats.packetsRefused, 0, 'every answer decrypted')
        assert.deepEqual([rt.stats.callsSettled, rt.stats.callsFailed], [41, 0])
      } finally {
        await rt.stop()
        await dc.close()
      }
    })
  }
})
