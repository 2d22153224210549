// The whole codegen as one pure function: schema texts in, generated files (name → source) out.
// engine/scripts/codegen.ts does the file I/O around it.
import { parseTlSchema } from '../schema-parser.js'
import type { TlSchema } from '../schema.js'
import { generateMeta, generateReaders, generateTypesModule, generateWriters } from './generate-code.js'
import { generateResultOf, generateTypes } from './generate-types.js'
import { type GenSchema, resolveSchema } from './model.js'

/** MTProto `string` fields that carry text; every other `string` there is binary (bytes). */
export const MTP_TEXT_FIELDS = ['rpc_error.error_message'] as const

export interface CodegenInput {
  /** API schema as TL text. */
  api: string
  /** MTProto schema as TL text. */
  mtp: string
  /** Raw RPC errors: name → code/description. */
  errors?: Readonly<Record<string, { code: number; description: string }>>
}

export interface CodegenOutput {
  files: Record<string, string>
  api: TlSchema
  mtp: TlSchema
  resolved: GenSchema[]
}

/** Parses both schemas, resolves them and renders generated/{types,readers,writers,meta,index}.ts. */
export function runCodegen(input: CodegenInput): CodegenOutput {
  const api = parseTlSchema(input.api)
  const mtp = parseTlSchema(input.mtp)
  const apiGen = resolveSchema(api, { ns: 'tl', namePrefix: '' })
  const mtpGen = resolveSchema(mtp, {
    ns: 'mtp',
    namePrefix: 'mt_',
    stringsAsBytes: { except: MTP_TEXT_FIELDS },
    firstIndex: apiGen.entries.length,
  })
  const resolved = [apiGen, mtpGen]
  // NB: an id present in both schemas would make the reader map ambiguous.
  const seen = new Map<number, string>()
  for (const s of resolved) {
    for (const e of s.entries) {
      const prev = seen.get(e.src.id)
      if (prev !== undefined) throw new Error(`constructor id 0x${e.src.id.toString(16)} used by ${prev} and ${e.jsName}`)
      seen.set(e.src.id, e.jsName)
    }
  }
  const files: Record<string, string> = {
    'types.ts': generateTypesModule(resolved.map(generateTypes), generateResultOf(['tl', 'mtp'])),
    'readers.ts': generateReaders(resolved),
    'writers.ts': generateWriters(resolved),
    'meta.ts': generateMeta(resolved, api.layer, input.errors ?? {}),
  }
  return { files, api, mtp, resolved }
}
