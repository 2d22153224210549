// Errors only the API layer raises (the world's own live in ../world/errors.ts), spelled as
// Telegram spells them (https://core.telegram.org/api/errors).
import { WorldError } from '../world/index.js'

export const apiErrors = {
  /** langpack.*: a language pack we do not have. */
  langCodeNotSupported: () => new WorldError(400, 'LANG_CODE_NOT_SUPPORTED'),
} as const
