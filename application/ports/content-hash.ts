import { Context } from "effect"

/** A stable digest of a text (SHA-256, hex): what identifies an imported record that has no external_id. */
export class ContentHash extends Context.Service<ContentHash, {
  readonly sha256: (text: string) => string
}>()("ContentHash") {}
