// The sans-IO MTProto core: re-exports only.
export * from './message-id.js'
export * from './seq-no.js'
export * from './session-id.js'
export * from './replay-window.js'
export * from './ack-queue.js'
export * from './sent-messages.js'
