// Test support: loads the same schema inputs as `npm run codegen` (defaults only) and resolves them.
// Uses the file system, so only tests import it.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { jsonSchemaToTl } from '../codegen/json-to-tl.js'
import { type CodegenOutput, runCodegen } from '../codegen/pipeline.js'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

/** Directory of @mtcute/core's tl/ folder (api-schema.json, mtp-schema.json, raw-errors.json). */
export const mtcuteTlDir = join(dirname(require.resolve('@mtcute/core')), 'tl')

/** API schema text as codegen builds it by default (mtcute JSON → TL text). */
export function defaultApiTl(): string {
  return jsonSchemaToTl(JSON.parse(readFileSync(join(mtcuteTlDir, 'api-schema.json'), 'utf8')), { prelude: true })
}

/** The MTProto schema text codegen uses by default. */
export function defaultMtpTl(): string {
  return readFileSync(join(here, '..', 'schema', 'mtproto.tl'), 'utf8')
}

let cached: CodegenOutput | undefined
/** Parsed + resolved default schemas (what generated/ was built from). */
export function defaultCodegen(): CodegenOutput {
  cached ??= runCodegen({ api: defaultApiTl(), mtp: defaultMtpTl() })
  return cached
}
