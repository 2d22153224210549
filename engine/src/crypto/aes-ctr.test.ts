import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { createCipheriv } from 'node:crypto'
import { AesCtr } from './aes-ctr.js'
import { fromHex, toHex } from './bytes.js'
import { seededRandom } from './test-random.js'

describe('AES-256-CTR stream', () => {
  // NIST SP 800-38A, F.5.5 CTR-AES256.Encrypt, blocks 1-2
  test('NIST SP 800-38A F.5.5 vector', () => {
    const key = fromHex('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4')
    const iv = fromHex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff')
    const plain = fromHex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51')
    const ctr = new AesCtr(key, iv)
    assert.equal(toHex(ctr.process(plain)), '601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5')
  })

  test('state carries across calls of arbitrary sizes', () => {
    const rnd = seededRandom('ctr')
    const key = rnd(32)
    const iv = rnd(16)
    const data = rnd(1000)
    const whole = createCipheriv('aes-256-ctr', key, iv).update(data)
    const ctr = new AesCtr(key, iv)
    const parts: Uint8Array[] = []
    for (let o = 0, step = 1; o < data.length; o += step, step = (step * 7) % 61 + 1) parts.push(ctr.process(data.subarray(o, o + step)))
    assert.equal(toHex(Buffer.concat(parts)), toHex(whole))
    assert.equal(toHex(new AesCtr(key, iv).process(whole)), toHex(data))
  })

  test('bad sizes are programmer errors', () => {
    assert.throws(() => new AesCtr(new Uint8Array(31), new Uint8Array(16)), RangeError)
    assert.throws(() => new AesCtr(new Uint8Array(32), new Uint8Array(8)), RangeError)
  })
})
