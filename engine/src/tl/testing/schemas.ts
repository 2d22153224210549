// Test support: loads the same schema inputs as `npm run codegen` (the pinned defaults only) and
// resolves them.
// Uses the file system, so only tests import it.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type PinnedErrors, rawErrorsFromJson } from '../codegen/pinned-schema.js'
import { type CodegenOutput, runCodegen } from '../codegen/pipeline.js'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

/**
 * Directory of @mtcute/core's tl/ folder (api-schema.json, mtp-schema.json, raw-errors.json): the
 * source the pinned schema is refreshed from (a devDependency), read by cross-checks only.
 */
export const mtcuteTlDir = join(dirname(require.resolve('@mtcute/core')), 'tl')

/** The pinned API schema text codegen uses by default (src/tl/schema/api.tl). */
export function defaultApiTl(): string {
  return readFileSync(join(here, '..', 'schema', 'api.tl'), 'utf8')
}

/** The pinned RPC error list codegen uses by default (src/tl/schema/errors.json). */
export function defaultErrors(): PinnedErrors {
  return rawErrorsFromJson(JSON.parse(readFileSync(join(here, '..', 'schema', 'errors.json'), 'utf8')))
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
