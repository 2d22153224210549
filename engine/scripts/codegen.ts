// `npm run codegen`: reads the TL schemas and writes engine/src/tl/generated/. File I/O only;
// the work is runCodegen() in src/tl/codegen/pipeline.ts.
// Inputs (flag, else env var, else default):
//   --api <file>     MTSWARM_TL_API     .tl text or mtcute JSON; default src/tl/schema/api.tl (pinned)
//   --mtp <file>     MTSWARM_TL_MTP     .tl text or mtcute JSON; default src/tl/schema/mtproto.tl
//   --errors <file>  MTSWARM_TL_ERRORS  errors.json or mtcute raw-errors.json; default src/tl/schema/errors.json
//   --out <dir>      MTSWARM_TL_OUT     default src/tl/generated
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { jsonSchemaToTl } from '../src/tl/codegen/json-to-tl.js'
import { rawErrorsFromJson } from '../src/tl/codegen/pinned-schema.js'
import { runCodegen } from '../src/tl/codegen/pipeline.js'
import { writeIfChanged } from './write-if-changed.js'

const engineDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const schemaDir = join(engineDir, 'src/tl/schema')

const { values } = parseArgs({
  options: { api: { type: 'string' }, mtp: { type: 'string' }, errors: { type: 'string' }, out: { type: 'string' } },
})
// Relative paths are taken from where the user ran npm (INIT_CWD), not from engine/.
const userDir = process.env.INIT_CWD ?? process.cwd()
const given = (v: string | undefined): string | undefined => (v === undefined ? undefined : resolve(userDir, v))
const apiPath = given(values.api ?? process.env.MTSWARM_TL_API) ?? join(schemaDir, 'api.tl')
const mtpPath = given(values.mtp ?? process.env.MTSWARM_TL_MTP) ?? join(schemaDir, 'mtproto.tl')
const errorsPath = given(values.errors ?? process.env.MTSWARM_TL_ERRORS) ?? join(schemaDir, 'errors.json')
const outDir = given(values.out ?? process.env.MTSWARM_TL_OUT) ?? join(engineDir, 'src/tl/generated')

/** TL text from a .tl file, or from mtcute's JSON through the converter. */
function loadTl(path: string, kind: 'api' | 'mtp'): string {
  const text = readFileSync(path, 'utf8')
  if (!path.endsWith('.json')) return text
  return jsonSchemaToTl(JSON.parse(text), kind === 'api' ? { prelude: true } : { stripPrefix: 'mt_' })
}

/** The RPC error list, pinned or mtcute-shaped. */
const loadErrors = (path: string): Record<string, { code: number; description: string }> =>
  rawErrorsFromJson(JSON.parse(readFileSync(path, 'utf8')))

const started = performance.now()
const { files, api, mtp } = runCodegen({
  api: loadTl(apiPath, 'api'),
  mtp: loadTl(mtpPath, 'mtp'),
  errors: loadErrors(errorsPath),
})
mkdirSync(outDir, { recursive: true })
let written = 0
for (const [name, text] of Object.entries(files)) if (writeIfChanged(join(outDir, name), text)) written++
console.log(
  `tl codegen: layer ${api.layer ?? '?'}, ${api.entries.length} api + ${mtp.entries.length} mtproto entries → ` +
    `${outDir} (${written} of ${Object.keys(files).length} files changed) in ${Math.round(performance.now() - started)} ms`,
)
