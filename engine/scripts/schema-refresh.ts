// `npm run -w @mtswarm/engine schema:refresh`: rewrites the pinned src/tl/schema/api.tl and
// errors.json from the installed @mtcute/core (a devDependency). File I/O only; what the files hold
// is src/tl/codegen/pinned-schema.ts. Bump @mtcute/core, run this, then `npm run codegen`.
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PINNED_SCHEMA_SOURCE, pinnedApiTl, pinnedErrorsJson, rawErrorsFromJson } from '../src/tl/codegen/pinned-schema.js'

const engineDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(engineDir, 'package.json'))
const sourceDir = dirname(require.resolve(PINNED_SCHEMA_SOURCE))
const version = (JSON.parse(readFileSync(join(sourceDir, 'package.json'), 'utf8')) as { version: string }).version
const schemaDir = join(engineDir, 'src/tl/schema')

const api = pinnedApiTl(JSON.parse(readFileSync(join(sourceDir, 'tl/api-schema.json'), 'utf8')), version)
const errors = rawErrorsFromJson(JSON.parse(readFileSync(join(sourceDir, 'tl/raw-errors.json'), 'utf8')))
writeFileSync(join(schemaDir, 'api.tl'), api)
writeFileSync(join(schemaDir, 'errors.json'), pinnedErrorsJson(errors))
const layer = /^\/\/ LAYER (\d+)/m.exec(api)?.[1] ?? '?'
console.log(`schema:refresh: ${PINNED_SCHEMA_SOURCE}@${version} → src/tl/schema/api.tl (layer ${layer}), errors.json (${Object.keys(errors).length} errors)`)
